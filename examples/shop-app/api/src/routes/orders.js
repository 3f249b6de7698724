const express = require('express');
const db = require('../db');
const config = require('../config');
const paymentService = require('../services/paymentService');
const emailService = require('../services/emailService');
const { authenticate, requireAdmin } = require('../middleware/auth');

const router = express.Router();

function shippingFor(subtotal) {
  return subtotal >= config.freeShippingThreshold ? 0 : config.flatShipping;
}

router.post('/', authenticate, async (req, res) => {
  const {
    items, shippingAddress, couponCode, card, region = 'DE',
  } = req.body;

  if (!items || items.length === 0) {
    return res.status(400).json({ error: 'Cart is empty' });
  }

  let subtotal = 0;
  for (const item of items) {
    subtotal += item.price * item.quantity;
  }

  let discount = 0;
  if (couponCode) {
    const coupon = await db.query(`SELECT * FROM coupons WHERE code = '${couponCode}'`);
    if (coupon.rows.length > 0) {
      const c = coupon.rows[0];
      discount = c.percent_off ? subtotal * (c.percent_off / 100) : c.amount_off;
      await db.query('UPDATE coupons SET uses = uses + 1 WHERE code = $1', [c.code]);
    }
  }

  const taxRate = config.taxRates[region] || 0;
  const tax = (subtotal - discount) * taxRate;
  const shipping = shippingFor(subtotal);
  const total = subtotal - discount + tax + shipping;

  const order = await db.query(
    `INSERT INTO orders (user_id, status, subtotal, discount, tax, shipping, total, coupon_code,
                         shipping_address, region, card_number, card_expiry)
     VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
    [req.user.id, subtotal, discount, tax, shipping, total, couponCode,
      JSON.stringify(shippingAddress), region, card.number, card.expiry],
  );
  const orderId = order.rows[0].id;

  for (const item of items) {
    await db.query(
      'INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES ($1, $2, $3, $4)',
      [orderId, item.productId, item.quantity, item.price],
    );
    await db.query('UPDATE products SET stock = stock - $1 WHERE id = $2', [item.quantity, item.productId]);
  }

  try {
    const charge = await paymentService.charge(total, card, `Order #${orderId}`);
    await db.query("UPDATE orders SET status = 'paid', payment_id = $1 WHERE id = $2", [charge.id, orderId]);
  } catch (err) {
    await db.query("UPDATE orders SET status = 'payment_failed' WHERE id = $1", [orderId]);
    return res.status(402).json({ error: err.message });
  }

  await emailService.sendOrderConfirmation(req.user, orderId, items, total);

  res.status(201).json({ id: orderId, total });
});

router.get('/', authenticate, async (req, res) => {
  const orders = await db.query(
    'SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC',
    [req.user.id],
  );

  for (const order of orders.rows) {
    const items = await db.query('SELECT * FROM order_items WHERE order_id = $1', [order.id]);
    order.items = [];
    for (const item of items.rows) {
      const product = await db.query(
        'SELECT id, name, image_url, sku FROM products WHERE id = $1',
        [item.product_id],
      );
      order.items.push({ ...item, product: product.rows[0] });
    }
    const shipment = await db.query('SELECT * FROM shipments WHERE order_id = $1', [order.id]);
    order.shipment = shipment.rows[0] || null;
  }

  res.json(orders.rows);
});

router.get('/:id', authenticate, async (req, res) => {
  const order = await db.query('SELECT * FROM orders WHERE id = $1', [req.params.id]);
  if (order.rows.length === 0) {
    return res.status(404).json({ error: 'Order not found' });
  }
  const items = await db.query(
    `SELECT oi.*, p.name, p.image_url FROM order_items oi
       JOIN products p ON p.id = oi.product_id WHERE oi.order_id = $1`,
    [req.params.id],
  );
  res.json({ ...order.rows[0], items: items.rows });
});

router.post('/:id/cancel', authenticate, async (req, res) => {
  const order = await db.query('SELECT * FROM orders WHERE id = $1', [req.params.id]);
  const o = order.rows[0];
  if (o.status === 'shipped') {
    return res.status(409).json({ error: 'Order already shipped' });
  }
  await db.query("UPDATE orders SET status = 'cancelled', updated_at = now() WHERE id = $1", [o.id]);
  if (o.payment_id) {
    await paymentService.refund(o.payment_id, req.body.amount || o.total);
  }
  res.json({ ok: true });
});

router.put('/:id/status', authenticate, requireAdmin, async (req, res) => {
  await db.query(
    `UPDATE orders SET status = '${req.body.status}', updated_at = now() WHERE id = ${req.params.id}`,
  );
  res.json({ ok: true });
});

module.exports = router;
