// Tiny global store for the shopping cart. Persists to localStorage so the cart
// survives reloads.

const STORAGE_KEY = 'cart';

let state = {
  items: JSON.parse(localStorage.getItem(STORAGE_KEY) || '[]'),
  coupon: null,
};

const listeners = [];

function persist() {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(state.items));
}

function notify() {
  listeners.forEach((fn) => fn(state));
}

const cartStore = {
  getState() {
    return state;
  },

  subscribe(fn) {
    listeners.push(fn);
  },

  add(product, quantity = 1) {
    const existing = state.items.find((i) => i.productId === product.id);
    if (existing) {
      existing.quantity += quantity;
    } else {
      state.items.push({
        productId: product.id,
        name: product.name,
        price: product.price,
        image: product.image_url,
        quantity,
      });
    }
    persist();
    notify();
  },

  update(productId, quantity) {
    const item = state.items.find((i) => i.productId === productId);
    if (item) {
      item.quantity = quantity;
    }
    persist();
    notify();
  },

  remove(productId) {
    state.items = state.items.filter((i) => i.productId !== productId);
    persist();
    notify();
  },

  applyCoupon(code, percentOff) {
    state.coupon = { code, percentOff };
    notify();
  },

  clear() {
    state = { items: [], coupon: null };
    notify();
  },

  count() {
    return state.items.reduce((n, i) => n + i.quantity, 0);
  },

  subtotal() {
    return state.items.reduce((sum, i) => sum + i.price * i.quantity, 0);
  },

  total() {
    const subtotal = this.subtotal();
    const discount = state.coupon ? subtotal * (state.coupon.percentOff / 100) : 0;
    const shipping = subtotal > 50 ? 0 : 4.95;
    return subtotal - discount + shipping;
  },
};

export default cartStore;
