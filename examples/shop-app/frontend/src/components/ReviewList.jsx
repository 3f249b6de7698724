import React, { useState } from 'react';
import { postReview, getCurrentUser } from '../api/client';
import { formatDate, formatRating } from '../utils/format';

function ReviewItem({ review }) {
  return (
    <li className="review">
      <div className="review-header">
        <span className="stars">{formatRating(review.rating)}</span>
        <strong dangerouslySetInnerHTML={{ __html: review.title }} />
      </div>
      <div className="review-body" dangerouslySetInnerHTML={{ __html: review.body.replace(/\n/g, '<br>') }} />
      <div className="review-meta">
        by {review.author_website
          ? <a href={review.author_website} target="_blank">{review.author}</a>
          : review.author}
        {' '}on {formatDate(review.created_at)}
      </div>
    </li>
  );
}

function ReviewForm({ productId, onPosted }) {
  const [rating, setRating] = useState(5);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [preview, setPreview] = useState(false);

  const submit = async (e) => {
    e.preventDefault();
    const review = await postReview(productId, { rating, title, body });
    setTitle('');
    setBody('');
    onPosted({ ...review, author: getCurrentUser().name });
  };

  return (
    <form className="review-form" onSubmit={submit}>
      <select value={rating} onChange={(e) => setRating(Number(e.target.value))}>
        {[5, 4, 3, 2, 1].map((n) => <option key={n} value={n}>{n} stars</option>)}
      </select>
      <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Title" />
      <textarea value={body} onChange={(e) => setBody(e.target.value)} placeholder="Tell other customers what you think (HTML allowed)" />
      <label>
        <input type="checkbox" checked={preview} onChange={() => setPreview(!preview)} /> Preview
      </label>
      {preview && <div className="review-preview" dangerouslySetInnerHTML={{ __html: body }} />}
      <button type="submit">Post review</button>
    </form>
  );
}

function ReviewList({ productId, reviews: initial }) {
  const [reviews, setReviews] = useState(initial || []);
  const user = getCurrentUser();

  return (
    <section className="reviews">
      <h2>Customer reviews ({reviews.length})</h2>
      <ul>
        {reviews.map((review) => <ReviewItem key={review.id} review={review} />)}
      </ul>
      {user
        ? <ReviewForm productId={productId} onPosted={(r) => setReviews([r, ...reviews])} />
        : <p>Log in to write a review.</p>}
    </section>
  );
}

export default ReviewList;
