import React, { useState } from 'react';
import { Link } from 'react-router-dom';
import cartStore from '../store/cartStore';
import { formatPrice } from '../utils/format';
import { calcCartTotal, money } from '../utils/legacyHelpers';

const COUPONS = {
  WELCOME10: 10,
  SPRING5: 5,
  STAFF50: 50,
};

function Cart() {
  const [items, setItems] = useState(cartStore.getState().items);
  const [couponCode, setCouponCode] = useState('');
  const [couponMessage, setCouponMessage] = useState('');

  const refresh = () => setItems([...cartStore.getState().items]);

  const changeQuantity = (productId, quantity) => {
    cartStore.update(productId, quantity);
    refresh();
  };

  const remove = (productId) => {
    cartStore.remove(productId);
    refresh();
  };

  const applyCoupon = () => {
    const percent = COUPONS[couponCode.toUpperCase()];
    if (percent) {
      cartStore.applyCoupon(couponCode.toUpperCase(), percent);
      setCouponMessage(`${percent}% off applied`);
    } else {
      setCouponMessage('Unknown coupon');
    }
  };

  if (items.length === 0) {
    return (
      <div className="cart empty">
        <p>Your cart is empty.</p>
        <Link to="/">Continue shopping</Link>
      </div>
    );
  }

  const subtotal = calcCartTotal(items);
  const shipping = subtotal > 50 ? 0 : 4.95;

  return (
    <div className="cart">
      <h1>Your cart</h1>
      <table>
        <thead>
          <tr><th>Product</th><th>Price</th><th>Quantity</th><th>Total</th><th /></tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.productId}>
              <td>{item.name}</td>
              <td>{formatPrice(item.price)}</td>
              <td>
                <input
                  type="number"
                  value={item.quantity}
                  onChange={(e) => changeQuantity(item.productId, Number(e.target.value))}
                />
              </td>
              <td>{money(item.price * item.quantity)}</td>
              <td><button type="button" onClick={() => remove(item.productId)}>Remove</button></td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="coupon">
        <input value={couponCode} onChange={(e) => setCouponCode(e.target.value)} placeholder="Coupon code" />
        <button type="button" onClick={applyCoupon}>Apply</button>
        {couponMessage && <span>{couponMessage}</span>}
      </div>

      <div className="summary">
        <p>Subtotal: {formatPrice(subtotal)}</p>
        <p>Shipping: {shipping ? formatPrice(shipping) : 'Free'}</p>
        <p><strong>Total: {formatPrice(cartStore.total())}</strong></p>
        <Link to="/checkout" className="button">Checkout</Link>
      </div>
    </div>
  );
}

export default Cart;
