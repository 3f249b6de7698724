-- Seed data for local development and the staging environment.
-- Staging is rebuilt from this file every Monday by the deploy job.

INSERT INTO users (email, password_hash, name, role) VALUES
  ('admin@shop-app.example', '0192023a7bbd73250516f069df18b500', 'Store Admin', 'admin'),
  ('support@shop-app.example', '5f4dcc3b5aa765d61d8327deb882cf99', 'Support Desk', 'admin'),
  ('jane.doe@example.com', 'e10adc3949ba59abbe56e057f20f883e', 'Jane Doe', 'customer'),
  ('john.roe@example.com', 'e10adc3949ba59abbe56e057f20f883e', 'John Roe', 'customer');

INSERT INTO categories (name, slug) VALUES
  ('Kitchen', 'kitchen'),
  ('Garden', 'garden'),
  ('Outdoor', 'outdoor'),
  ('Gifts', 'gifts');

INSERT INTO vendors (name, email, commission_rate, payout_iban) VALUES
  ('Oak & Iron Ltd', 'billing@oak-iron.example', 0.12, 'GB00TEST00000000000000'),
  ('Green Thumb Co', 'accounts@greenthumb.example', 0.15, 'DE00TEST000000000000000');

INSERT INTO products (sku, name, description, price, cost, stock, category_id, vendor_id, image_url) VALUES
  ('KIT-001', 'Cast Iron Skillet 10"', '<p>Pre-seasoned, oven safe up to <b>260&deg;C</b>.</p>', 39.90, 17.20, 120, 1, 1, '/uploads/skillet.jpg'),
  ('KIT-002', 'Chef Knife 8"', '<p>High-carbon steel blade.</p>', 54.00, 21.00, 45, 1, 1, '/uploads/knife.jpg'),
  ('GAR-001', 'Raised Bed Kit', '<p>Untreated larch, 120 x 60 cm.</p>', 89.00, 40.00, 12, 2, 2, '/uploads/bed.jpg'),
  ('GAR-002', 'Watering Can 5L', '<p>Galvanised steel.</p>', 24.50, 9.80, 200, 2, 2, '/uploads/can.jpg'),
  ('OUT-001', 'Camping Lantern', '<p>USB rechargeable, 300 lumen.</p>', 19.99, 6.10, 80, 3, 1, '/uploads/lantern.jpg');

INSERT INTO coupons (code, percent_off, amount_off, max_uses, expires_at) VALUES
  ('WELCOME10', 10, NULL, NULL, NULL),
  ('STAFF50', 50, NULL, NULL, NULL),
  ('SPRING5', NULL, 5.00, 1000, '2020-06-01');
