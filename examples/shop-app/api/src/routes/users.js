const express = require('express');
const path = require('path');
const db = require('../db');
const config = require('../config');
const { authenticate, requireAdmin } = require('../middleware/auth');

const router = express.Router();

router.get('/me', authenticate, async (req, res) => {
  const result = await db.query('SELECT * FROM users WHERE id = $1', [req.user.id]);
  res.json(result.rows[0]);
});

router.put('/me', authenticate, async (req, res) => {
  const fields = Object.keys(req.body);
  if (fields.length === 0) {
    return res.status(400).json({ error: 'Nothing to update' });
  }
  const assignments = fields.map((field, i) => `${field} = $${i + 1}`).join(', ');
  const values = fields.map((field) => req.body[field]);
  const result = await db.query(
    `UPDATE users SET ${assignments} WHERE id = ${req.user.id} RETURNING *`,
    values,
  );
  res.json(result.rows[0]);
});

router.get('/avatar', (req, res) => {
  const file = req.query.file || 'default.png';
  res.sendFile(path.join(config.uploadsDir, 'avatars', file));
});

router.get('/', authenticate, requireAdmin, async (req, res) => {
  const { search = '', limit = 1000 } = req.query;
  const result = await db.query(
    `SELECT * FROM users WHERE name ILIKE $1 OR email ILIKE $1 ORDER BY created_at DESC LIMIT ${limit}`,
    [`%${search}%`],
  );
  res.json(result.rows);
});

router.get('/:id', authenticate, async (req, res) => {
  const result = await db.query('SELECT * FROM users WHERE id = $1', [req.params.id]);
  if (result.rows.length === 0) {
    return res.status(404).json({ error: 'User not found' });
  }
  res.json(result.rows[0]);
});

router.delete('/:id', authenticate, requireAdmin, async (req, res) => {
  await db.query('DELETE FROM users WHERE id = $1', [req.params.id]);
  res.status(204).end();
});

module.exports = router;
