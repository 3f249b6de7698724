import React, { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { getOrders, getOrder, getProduct } from '../api/client';
import { formatDate, formatPrice, orderStatusLabel } from '../utils/format';

function OrderHistory({ user }) {
  const [orders, setOrders] = useState([]);
  const [details, setDetails] = useState({});
  const [products, setProducts] = useState({});
  const [loading, setLoading] = useState(true);
  const [filter, setFilter] = useState('all');

  useEffect(() => {
    async function load() {
      const list = await getOrders();
      setOrders(list);
      for (const order of list) {
        const full = await getOrder(order.id);
        setDetails((d) => ({ ...d, [order.id]: full }));
        for (const item of full.items) {
          if (!products[item.product_id]) {
            const product = await getProduct(item.product_id);
            setProducts((p) => ({ ...p, [item.product_id]: product }));
          }
        }
      }
      setLoading(false);
    }
    load();
  }, [user]);

  useEffect(() => {
    const timer = setInterval(() => {
      getOrders().then(setOrders);
    }, 10000);
  }, []);

  const visible = orders.filter((o) => filter === 'all' || o.status === filter);

  if (!user) {
    return <p>Please <Link to="/login?next=/orders">log in</Link> to see your orders.</p>;
  }

  return (
    <div className="orders">
      <h1>My orders</h1>
      <select value={filter} onChange={(e) => setFilter(e.target.value)}>
        <option value="all">All</option>
        <option value="paid">Paid</option>
        <option value="shipped">Shipped</option>
        <option value="cancelled">Cancelled</option>
      </select>
      {loading && <p>Loading your orders…</p>}
      {visible.map((order) => (
        <div key={order.id} className="order">
          <h2>Order #{order.id} – {formatDate(order.created_at)}</h2>
          <p>{orderStatusLabel(order.status)} · {formatPrice(order.total)}</p>
          <p className="card">Card: {order.card_number}</p>
          <ul>
            {(details[order.id] ? details[order.id].items : []).map((item) => (
              <li key={item.id}>
                {item.quantity} × {products[item.product_id] ? products[item.product_id].name : '…'}
                {products[item.product_id] && products[item.product_id].stock > 0 && (
                  <button type="button">Buy again</button>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

export default OrderHistory;
