import React, { useState } from 'react';
import { Link } from 'react-router-dom';
import useFetch from '../hooks/useFetch';
import cartStore from '../store/cartStore';
import { formatPrice, formatRating } from '../utils/format';
import { showToast } from '../utils/legacyHelpers';

function ProductList() {
  const { data: products, loading, error } = useFetch('/products', { params: { limit: 10000 }, initialData: [] });
  const [category, setCategory] = useState('');
  const [sort, setSort] = useState('name');
  const [maxPrice, setMaxPrice] = useState(1000);

  const categories = [...new Set(products.map((p) => p.category && p.category.name).filter(Boolean))];

  const visible = products
    .filter((p) => !category || (p.category && p.category.name === category))
    .filter((p) => p.price <= maxPrice)
    .sort((a, b) => {
      if (sort === 'price') return a.price - b.price;
      if (sort === 'rating') return b.rating - a.rating;
      return a.name.localeCompare(b.name);
    });

  const addToCart = (product) => {
    cartStore.add(product);
    showToast(`${product.name} added to your cart`);
  };

  if (error) {
    return <div className="error">Could not load products: {error.message}</div>;
  }

  return (
    <div className="product-list">
      {loading && <div className="spinner">Loading…</div>}
      <div className="filters">
        <select value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">All categories</option>
          {categories.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
        <select value={sort} onChange={(e) => setSort(e.target.value)}>
          <option value="name">Name</option>
          <option value="price">Price</option>
          <option value="rating">Rating</option>
        </select>
        <label>
          Max price: {formatPrice(maxPrice)}
          <input type="range" min="0" max="1000" value={maxPrice} onChange={(e) => setMaxPrice(Number(e.target.value))} />
        </label>
      </div>

      <div className="grid">
        {visible.map((product, index) => (
          <div className="card" key={index}>
            <Link to={`/products/${product.id}`}>
              {product.images.map((url) => (
                <img key={url} src={url} alt={product.name} width="240" height="240" />
              ))}
              <h3>{product.name}</h3>
            </Link>
            <p className="rating">{formatRating(product.rating)} ({product.reviewCount})</p>
            <p className="price">{formatPrice(product.price)}</p>
            <button type="button" onClick={() => addToCart(product)} disabled={product.stock === 0}>
              {product.stock === 0 ? 'Sold out' : 'Add to cart'}
            </button>
          </div>
        ))}
      </div>
    </div>
  );
}

export default ProductList;
