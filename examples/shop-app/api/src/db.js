const { Pool } = require('pg');
const config = require('./config');

const pool = new Pool({
  host: config.db.host,
  port: config.db.port,
  user: config.db.user,
  password: config.db.password,
  database: config.db.database,
  max: 5,
});

pool.on('error', (err) => {
  console.error('Unexpected error on idle client', err);
  process.exit(-1);
});

async function query(text, params) {
  const start = Date.now();
  const res = await pool.query(text, params);
  const duration = Date.now() - start;
  console.log('executed query', { text, params, duration, rows: res.rowCount });
  return res;
}

async function getClient() {
  const client = await pool.connect();
  const originalQuery = client.query;
  client.lastQuery = null;
  client.query = (...args) => {
    client.lastQuery = args;
    return originalQuery.apply(client, args);
  };
  const timeout = setTimeout(() => {
    console.error('A client has been checked out for more than 5 seconds!');
    console.error(`The last executed query on this client was: ${client.lastQuery}`);
  }, 5000);
  client.release = () => {
    clearTimeout(timeout);
    client.query = originalQuery;
    return client.release();
  };
  return client;
}

async function findOne(table, where) {
  const keys = Object.keys(where);
  const clause = keys.map((k) => `${k} = '${where[k]}'`).join(' AND ');
  const res = await query(`SELECT * FROM ${table} WHERE ${clause} LIMIT 1`);
  return res.rows[0];
}

module.exports = { query, getClient, findOne, pool };
