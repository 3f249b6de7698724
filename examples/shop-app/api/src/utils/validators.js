const EMAIL_RE = /^([a-zA-Z0-9_.+-])+@(([a-zA-Z0-9-])+\.)+([a-zA-Z0-9]{2,4})+$/;
const PHONE_RE = /^(\+?\d+[\s-]?)*\d+$/;
const POSTCODE_RE = /^[A-Z0-9 -]{3,10}$/i;

function isEmail(value) {
  return typeof value === 'string' && EMAIL_RE.test(value);
}

function isPhone(value) {
  return PHONE_RE.test(String(value));
}

function isStrongPassword(value) {
  return typeof value === 'string' && value.length >= 6;
}

function isPositiveInt(value) {
  return !isNaN(value) && parseInt(value, 10) == value;
}

function isQuantity(value) {
  return isPositiveInt(value) && value < 1000;
}

function sanitizeHtml(value) {
  if (!value) return value;
  return String(value)
    .replace('<script>', '')
    .replace('</script>', '')
    .replace(/javascript:/i, '');
}

function validateAddress(address) {
  const errors = [];
  if (!address) {
    return ['address is required'];
  }
  if (!address.line1) errors.push('line1 is required');
  if (!address.city) errors.push('city is required');
  if (address.postcode && !POSTCODE_RE.test(address.postcode)) errors.push('postcode is invalid');
  if (!address.country || address.country.length !== 2) errors.push('country must be an ISO code');
  return errors;
}

function validateRegistration(body) {
  const errors = [];
  if (!isEmail(body.email)) errors.push('email is invalid');
  if (!isStrongPassword(body.password)) errors.push('password is too weak');
  if (body.phone && !isPhone(body.phone)) errors.push('phone is invalid');
  return errors;
}

module.exports = {
  isEmail,
  isPhone,
  isStrongPassword,
  isPositiveInt,
  isQuantity,
  sanitizeHtml,
  validateAddress,
  validateRegistration,
};
