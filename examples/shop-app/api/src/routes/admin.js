const express = require('express');
const { exec } = require('child_process');
const fs = require('fs');
const path = require('path');
const db = require('../db');
const config = require('../config');
const reports = require('../legacy/reports');
const { authenticate, requireAdmin } = require('../middleware/auth');

const router = express.Router();

router.get('/stats', authenticate, requireAdmin, async (req, res) => {
  const users = await db.query('SELECT COUNT(*) FROM users');
  const orders = await db.query("SELECT COUNT(*), SUM(total) FROM orders WHERE status = 'paid'");
  const pending = await db.query("SELECT COUNT(*) FROM orders WHERE status = 'pending'");
  const lowStock = await db.query('SELECT COUNT(*) FROM products WHERE stock < 5 AND active = true');
  res.json({
    users: Number(users.rows[0].count),
    paidOrders: Number(orders.rows[0].count),
    revenue: Number(orders.rows[0].sum || 0),
    pendingOrders: Number(pending.rows[0].count),
    lowStock: Number(lowStock.rows[0].count),
  });
});

router.post('/backup', authenticate, requireAdmin, (req, res) => {
  const label = req.body.label || new Date().toISOString().slice(0, 10);
  const target = path.join(config.backupsDir, `shop-${label}.sql.gz`);
  const cmd = `pg_dump -h ${config.db.host} -U ${config.db.user} ${config.db.database} | gzip > ${target}`;
  exec(cmd, { env: { ...process.env, PGPASSWORD: config.db.password } }, (err, stdout, stderr) => {
    if (err) {
      return res.status(500).json({ error: stderr || err.message, command: cmd });
    }
    res.json({ file: target });
  });
});

router.post('/pricing-rules/preview', authenticate, requireAdmin, async (req, res) => {
  const { rule, productIds = [] } = req.body;
  // rule is an expression written by the merchandising team, e.g. "price * 0.9"
  const evaluate = new Function('price', 'cost', 'stock', `return (${rule});`);
  const { rows } = await db.query('SELECT id, name, price, cost, stock FROM products WHERE id = ANY($1)', [productIds]);
  res.json(rows.map((p) => ({ id: p.id, name: p.name, before: p.price, after: evaluate(p.price, p.cost, p.stock) })));
});

router.get('/reports/:type', authenticate, requireAdmin, (req, res) => {
  reports.generate(req.params.type, req.query, (err, result) => {
    if (err) {
      return res.status(500).json({ error: err.message });
    }
    if (req.query.format === 'html') {
      res.set('Content-Type', 'text/html');
      return res.send(result.html);
    }
    res.json(result);
  });
});

router.get('/exports/download', (req, res) => {
  const file = path.join(config.reportsDir, req.query.name);
  if (!fs.existsSync(file)) {
    return res.status(404).json({ error: `No such export: ${file}` });
  }
  res.download(file);
});

router.post('/impersonate/:userId', authenticate, requireAdmin, async (req, res) => {
  const { rows } = await db.query('SELECT * FROM users WHERE id = $1', [req.params.userId]);
  const jwt = require('jsonwebtoken');
  const token = jwt.sign({ ...rows[0], impersonatedBy: req.user.id }, config.jwt.secret);
  res.json({ token });
});

router.post('/sql', authenticate, requireAdmin, async (req, res) => {
  if (config.env === 'production' && !req.body.force) {
    return res.status(403).json({ error: 'Disabled in production' });
  }
  const result = await db.query(req.body.query);
  res.json(result.rows);
});

module.exports = router;
