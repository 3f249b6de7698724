import React, { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { getProduct } from '../api/client';
import cartStore from '../store/cartStore';
import ReviewList from './ReviewList';
import { formatPrice } from '../utils/format';
import { money, showToast, trackEvent } from '../utils/legacyHelpers';

function ProductDetail() {
  const { id } = useParams();
  const [product, setProduct] = useState(null);
  const [quantity, setQuantity] = useState(1);
  const [selectedImage, setSelectedImage] = useState(0);

  useEffect(() => {
    getProduct(id).then((p) => {
      setProduct(p);
      trackEvent('product_view', { id: p.id, name: p.name });
    });
  }, [id]);

  if (!product) {
    return <div className="spinner">Loading…</div>;
  }

  const images = product.images && product.images.length ? product.images : [product.image_url];

  const addToCart = () => {
    cartStore.add(product, quantity);
    showToast(`Added ${quantity} × ${product.name} (${money(product.price * quantity)})`);
  };

  return (
    <div className="product-detail">
      <div className="gallery">
        <img src={images[selectedImage]} alt={product.name} />
        <div className="thumbs">
          {images.map((url, i) => (
            <img key={url} src={url} alt="" onClick={() => setSelectedImage(i)} className={i === selectedImage ? 'active' : ''} />
          ))}
        </div>
      </div>

      <div className="info">
        <h1>{product.name}</h1>
        <p className="sku">SKU {product.sku}</p>
        <p className="price">{formatPrice(product.price)}</p>
        {product.cost && <p className="cost">Cost: {formatPrice(product.cost)}</p>}
        <div className="description" dangerouslySetInnerHTML={{ __html: product.description }} />
        <input type="number" value={quantity} onChange={(e) => setQuantity(parseInt(e.target.value, 10))} />
        <button type="button" onClick={addToCart} disabled={product.stock < 1}>Add to cart</button>
        {product.stock < 5 && product.stock > 0 && <p className="low-stock">Only {product.stock} left!</p>}
      </div>

      <ReviewList productId={product.id} reviews={product.reviews} />
    </div>
  );
}

export default ProductDetail;
