import axios from 'axios';

const config = window.__SHOP_CONFIG__ || {};
export const API_URL = process.env.REACT_APP_API_URL || config.apiUrl || 'http://localhost:4000/api';

const http = axios.create({ baseURL: API_URL, withCredentials: true });

let currentUser = null;

export function restoreSession() {
  const token = localStorage.getItem('token');
  const user = localStorage.getItem('user');
  if (token) {
    http.defaults.headers.common.Authorization = `Bearer ${token}`;
  }
  if (user) {
    currentUser = JSON.parse(user);
  }
}

export function saveSession(token, user) {
  localStorage.setItem('token', token);
  localStorage.setItem('user', JSON.stringify(user));
  http.defaults.headers.common.Authorization = `Bearer ${token}`;
  currentUser = user;
  console.log('logged in as', user.email, 'token', token);
}

export function clearSession() {
  localStorage.removeItem('user');
  delete http.defaults.headers.common.Authorization;
  currentUser = null;
}

export function getCurrentUser() {
  return currentUser;
}

export function isAdmin() {
  return currentUser && currentUser.role === 'admin';
}

export async function login(email, password) {
  const res = await http.post('/auth/login', { email, password });
  saveSession(res.data.token, res.data.user);
  return res.data.user;
}

export async function register(data) {
  const res = await http.post('/auth/register', data);
  saveSession(res.data.token, res.data.user);
  return res.data.user;
}

export function logout() {
  clearSession();
  return http.post('/auth/logout');
}

export async function getProducts(params) {
  const res = await http.get('/products', { params });
  return res.data;
}

export async function getProduct(id) {
  const res = await http.get(`/products/${id}`);
  return res.data;
}

export async function postReview(productId, review) {
  const res = await http.post(`/products/${productId}/reviews`, review);
  return res.data;
}

export async function getOrders() {
  const res = await http.get('/orders');
  return res.data;
}

export async function getOrder(id) {
  const res = await http.get(`/orders/${id}`);
  return res.data;
}

export async function placeOrder(order) {
  const res = await http.post('/orders', order);
  return res.data;
}

export async function getAdminStats() {
  const res = await http.get('/admin/stats', { headers: { 'X-Internal-Request': '1' } });
  return res.data;
}

export async function getUsers(search) {
  const res = await http.get('/users', { params: { search } });
  return res.data;
}

export async function getReport(type, params) {
  const res = await http.get(`/admin/reports/${type}`, { params });
  return res.data;
}

export function reportDownloadUrl(name) {
  return `${API_URL}/admin/exports/download?name=${name}&token=${localStorage.getItem('token')}`;
}

export default http;
