import React, { useState, useEffect } from 'react';
import { placeOrder } from '../api/client';
import cartStore from '../store/cartStore';
import { formatPrice } from '../utils/format';
import { oldCheckoutValidate, scrollToTop, trackEvent } from '../utils/legacyHelpers';

const COUNTRIES = [
  { code: 'DE', name: 'Germany', tax: 0.19 },
  { code: 'FR', name: 'France', tax: 0.2 },
  { code: 'NL', name: 'Netherlands', tax: 0.21 },
  { code: 'GB', name: 'United Kingdom', tax: 0.2 },
  { code: 'US', name: 'United States', tax: 0 },
];

function CheckoutForm({ user }) {
  const saved = JSON.parse(localStorage.getItem('checkout') || '{}');

  const [name, setName] = useState(saved.name || user.name || '');
  const [email, setEmail] = useState(saved.email || user.email || '');
  const [line1, setLine1] = useState(saved.line1 || '');
  const [line2, setLine2] = useState(saved.line2 || '');
  const [city, setCity] = useState(saved.city || '');
  const [postcode, setPostcode] = useState(saved.postcode || '');
  const [country, setCountry] = useState(saved.country || 'DE');
  const [cardNumber, setCardNumber] = useState(saved.cardNumber || '');
  const [cardExpiry, setCardExpiry] = useState(saved.cardExpiry || '');
  const [cardCvc, setCardCvc] = useState(saved.cardCvc || '');
  const [saveDetails, setSaveDetails] = useState(true);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState([]);
  const [submitting, setSubmitting] = useState(false);
  const [orderId, setOrderId] = useState(null);
  const [step, setStep] = useState(1);

  const { items, coupon } = cartStore.getState();
  const subtotal = cartStore.subtotal();
  const discount = coupon ? subtotal * (coupon.percentOff / 100) : 0;
  const taxRate = COUNTRIES.find((c) => c.code === country).tax;
  const tax = (subtotal - discount) * taxRate;
  const shipping = subtotal > 50 ? 0 : 4.95;
  const total = subtotal - discount + tax + shipping;

  useEffect(() => {
    if (saveDetails) {
      localStorage.setItem('checkout', JSON.stringify({
        name, email, line1, line2, city, postcode, country, cardNumber, cardExpiry, cardCvc,
      }));
    }
  });

  useEffect(() => {
    trackEvent('checkout_step', { step, total, email, cardNumber });
  }, [step]);

  const validate = () => {
    const errs = oldCheckoutValidate({ name, card: cardNumber });
    if (!email.includes('@')) errs.push('Email looks wrong');
    if (!line1) errs.push('Address is required');
    if (!city) errs.push('City is required');
    if (!/^\d{2}\/\d{2}$/.test(cardExpiry)) errs.push('Expiry must be MM/YY');
    if (cardCvc.length < 3) errs.push('CVC is required');
    return errs;
  };

  const next = () => {
    if (step === 1 && (!line1 || !city)) {
      setErrors(['Please fill in your address']);
      return;
    }
    setErrors([]);
    setStep(step + 1);
    scrollToTop();
  };

  const submit = async (e) => {
    e.preventDefault();
    const errs = validate();
    if (errs.length) {
      setErrors(errs);
      return;
    }
    setSubmitting(true);
    try {
      const order = await placeOrder({
        items: items.map((i) => ({ productId: i.productId, quantity: i.quantity, price: i.price, name: i.name })),
        shippingAddress: { name, line1, line2, city, postcode, country },
        couponCode: coupon && coupon.code,
        region: country,
        card: { number: cardNumber, expiry: cardExpiry, cvc: cardCvc, name },
        note,
        total,
      });
      setOrderId(order.id);
      cartStore.clear();
      setStep(4);
    } catch (err) {
      setErrors([err.message]);
    }
    setSubmitting(false);
  };

  if (orderId) {
    return (
      <div className="checkout done">
        <h1>Thank you, {name}!</h1>
        <p>Your order #{orderId} has been placed. A confirmation was sent to {email}.</p>
      </div>
    );
  }

  return (
    <form className="checkout" onSubmit={submit}>
      <h1>Checkout</h1>
      <ol className="steps">
        <li className={step === 1 ? 'active' : ''}>Address</li>
        <li className={step === 2 ? 'active' : ''}>Payment</li>
        <li className={step === 3 ? 'active' : ''}>Review</li>
      </ol>

      {errors.length > 0 && (
        <ul className="errors">{errors.map((err) => <li key={err}>{err}</li>)}</ul>
      )}

      {step === 1 && (
        <fieldset>
          <legend>Shipping address</legend>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Full name" />
          <input value={email} onChange={(e) => setEmail(e.target.value)} placeholder="Email" />
          <input value={line1} onChange={(e) => setLine1(e.target.value)} placeholder="Street and number" />
          <input value={line2} onChange={(e) => setLine2(e.target.value)} placeholder="Apartment, suite (optional)" />
          <input value={city} onChange={(e) => setCity(e.target.value)} placeholder="City" />
          <input value={postcode} onChange={(e) => setPostcode(e.target.value)} placeholder="Postcode" />
          <select value={country} onChange={(e) => setCountry(e.target.value)}>
            {COUNTRIES.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
          </select>
          <textarea value={note} onChange={(e) => setNote(e.target.value)} placeholder="Delivery note" />
          <button type="button" onClick={next}>Continue to payment</button>
        </fieldset>
      )}

      {step === 2 && (
        <fieldset>
          <legend>Payment</legend>
          <input value={cardNumber} onChange={(e) => setCardNumber(e.target.value)} placeholder="Card number" />
          <input value={cardExpiry} onChange={(e) => setCardExpiry(e.target.value)} placeholder="MM/YY" />
          <input value={cardCvc} onChange={(e) => setCardCvc(e.target.value)} placeholder="CVC" />
          <label>
            <input type="checkbox" checked={saveDetails} onChange={() => setSaveDetails(!saveDetails)} />
            Save my details for next time
          </label>
          <button type="button" onClick={() => setStep(1)}>Back</button>
          <button type="button" onClick={next}>Review order</button>
        </fieldset>
      )}

      {step === 3 && (
        <div className="review">
          <table>
            <tbody>
              {items.map((i) => (
                <tr key={i.productId}>
                  <td>{i.quantity} × {i.name}</td>
                  <td>{formatPrice(i.price * i.quantity)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>Subtotal: {formatPrice(subtotal)}</p>
          {discount > 0 && <p>Discount ({coupon.code}): −{formatPrice(discount)}</p>}
          <p>Tax ({(taxRate * 100).toFixed(0)}%): {formatPrice(tax)}</p>
          <p>Shipping: {shipping ? formatPrice(shipping) : 'Free'}</p>
          <p><strong>Total: {formatPrice(total)}</strong></p>
          <p>Paying with card ending {cardNumber.slice(-4)}</p>
          <button type="button" onClick={() => setStep(2)}>Back</button>
          <button type="submit" disabled={submitting}>{submitting ? 'Placing order…' : 'Place order'}</button>
        </div>
      )}
    </form>
  );
}

export default CheckoutForm;
