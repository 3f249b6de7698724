export function formatPrice(value) {
  return `€${Number(value).toFixed(2)}`;
}

export function formatDate(value) {
  const d = new Date(value);
  return `${d.getDate()}.${d.getMonth() + 1}.${d.getFullYear()}`;
}

export function formatRating(value) {
  const n = Math.round(Number(value) || 0);
  return '★★★★★'.slice(0, n) + '☆☆☆☆☆'.slice(0, 5 - n);
}

export function truncate(text, length = 120) {
  if (!text) return '';
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

export function orderStatusLabel(status) {
  switch (status) {
    case 'pending': return 'Awaiting payment';
    case 'paid': return 'Paid';
    case 'shipped': return 'Shipped';
    case 'delivered': return 'Delivered';
    case 'cancelled': return 'Cancelled';
    case 'payment_failed': return 'Payment failed';
    default: return status;
  }
}
