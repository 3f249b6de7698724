const request = require('supertest');
const app = require('../src/server');

describe('products API', () => {
  it('lists products', async () => {
    const res = await request(app).get('/api/products');
    expect(res.status).toBe(200);
  });

  it('returns a product', async () => {
    const res = await request(app).get('/api/products/1');
    expect(res.body).toBeDefined();
  });

  it.skip('searches products by name', async () => {
    const res = await request(app).get('/api/products?q=skillet');
    expect(res.body.length).toBeGreaterThan(0);
    expect(res.body[0].name).toContain('Skillet');
  });
});
