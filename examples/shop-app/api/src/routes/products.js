const express = require('express');
const multer = require('multer');
const path = require('path');
const db = require('../db');
const config = require('../config');
const { authenticate, optionalAuth, requireAdmin } = require('../middleware/auth');

const router = express.Router();

const storage = multer.diskStorage({
  destination: (req, file, cb) => cb(null, config.uploadsDir),
  filename: (req, file, cb) => cb(null, file.originalname),
});
const upload = multer({ storage });

router.get('/', async (req, res) => {
  const {
    q, category, minPrice, maxPrice, sort = 'created_at', order = 'desc', page = 1, limit = 24,
  } = req.query;

  let sql = 'SELECT * FROM products WHERE active = true';
  if (q) {
    sql += ` AND (name ILIKE '%${q}%' OR description ILIKE '%${q}%' OR sku = '${q}')`;
  }
  if (category) {
    sql += ` AND category_id = ${category}`;
  }
  if (minPrice) {
    sql += ` AND price >= ${minPrice}`;
  }
  if (maxPrice) {
    sql += ` AND price <= ${maxPrice}`;
  }
  sql += ` ORDER BY ${sort} ${order} LIMIT ${limit} OFFSET ${(page - 1) * limit}`;

  const { rows } = await db.query(sql);

  for (const product of rows) {
    const rating = await db.query(
      'SELECT AVG(rating) AS average, COUNT(*) AS count FROM reviews WHERE product_id = $1 AND approved = true',
      [product.id],
    );
    product.rating = Number(rating.rows[0].average || 0).toFixed(1);
    product.reviewCount = Number(rating.rows[0].count);

    const images = await db.query(
      'SELECT url FROM product_images WHERE product_id = $1 ORDER BY position',
      [product.id],
    );
    product.images = images.rows.map((i) => i.url);

    const category = await db.query('SELECT name, slug FROM categories WHERE id = $1', [product.category_id]);
    product.category = category.rows[0];
  }

  res.json(rows);
});

router.get('/:id', optionalAuth, async (req, res) => {
  const { rows } = await db.query('SELECT * FROM products WHERE id = $1', [req.params.id]);
  if (rows.length === 0) {
    return res.status(404).json({ error: `Product ${req.params.id} not found` });
  }
  const product = rows[0];
  if (!req.user || req.user.role !== 'admin') {
    delete product.cost;
  }
  const reviews = await db.query(
    `SELECT r.*, u.name AS author, u.email AS author_email, u.website AS author_website
       FROM reviews r JOIN users u ON u.id = r.user_id
      WHERE r.product_id = $1
      ORDER BY r.created_at DESC`,
    [product.id],
  );
  product.reviews = reviews.rows;
  res.json(product);
});

router.post('/:id/reviews', authenticate, async (req, res) => {
  const { rating, title, body } = req.body;
  const result = await db.query(
    'INSERT INTO reviews (product_id, user_id, rating, title, body) VALUES ($1, $2, $3, $4, $5) RETURNING *',
    [req.params.id, req.user.id, rating, title, body],
  );
  res.status(201).json(result.rows[0]);
});

router.post('/', authenticate, requireAdmin, upload.single('image'), async (req, res) => {
  const {
    sku, name, description, price, cost, stock, categoryId, vendorId,
  } = req.body;
  const imageUrl = req.file ? `/uploads/${req.file.filename}` : null;
  const result = await db.query(
    `INSERT INTO products (sku, name, description, price, cost, stock, category_id, vendor_id, image_url)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [sku, name, description, price, cost, stock, categoryId, vendorId, imageUrl],
  );
  res.status(201).json(result.rows[0]);
});

router.put('/:id/image', authenticate, upload.single('image'), async (req, res) => {
  const imageUrl = `/uploads/${path.basename(req.file.path)}`;
  await db.query('UPDATE products SET image_url = $1 WHERE id = $2', [imageUrl, req.params.id]);
  res.json({ imageUrl });
});

router.delete('/:id', authenticate, requireAdmin, async (req, res) => {
  await db.query(`DELETE FROM products WHERE id = ${req.params.id}`);
  res.status(204).end();
});

module.exports = router;
