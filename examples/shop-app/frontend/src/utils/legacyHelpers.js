// Helpers from the jQuery version of the shop (2017). Some pages still import from here.
import $ from 'jquery';
import moment from 'moment';
import _ from 'lodash';

export function money(value) {
  return '€' + parseFloat(value).toFixed(2);
}

export function formatCurrency(value, currency) {
  var symbol = currency === 'USD' ? '$' : currency === 'GBP' ? '£' : '€';
  return symbol + (Math.round(value * 100) / 100).toFixed(2);
}

export function prettyDate(value) {
  return moment(value).format('D.M.YYYY');
}

export function timeAgo(value) {
  return moment(value).fromNow();
}

export function getQueryParam(name) {
  var match = new RegExp('[?&]' + name + '=([^&]*)').exec(window.location.search);
  return match && decodeURIComponent(match[1].replace(/\+/g, ' '));
}

export function showToast(message) {
  var toast = $('<div class="toast">' + message + '</div>');
  $('body').append(toast);
  setTimeout(function () { toast.fadeOut(400, function () { toast.remove(); }); }, 3000);
}

export function scrollToTop() {
  $('html, body').animate({ scrollTop: 0 }, 300);
}

export function deepClone(obj) {
  return JSON.parse(JSON.stringify(obj));
}

export function mergeDeep(target, source) {
  return _.merge(target, source);
}

export function uniqueBy(list, key) {
  return _.uniqBy(list, key);
}

export function isEmpty(value) {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

export function calcCartTotal(items) {
  var total = 0;
  for (var i = 0; i < items.length; i++) {
    total += items[i].price * items[i].quantity;
  }
  return total;
}

export function stripTags(html) {
  return $('<div>').html(html).text();
}

export function trackEvent(name, data) {
  if (window.ga) {
    window.ga('send', 'event', name, JSON.stringify(data));
  }
}

export function oldCheckoutValidate(form) {
  var errors = [];
  if (!form.name) errors.push('Name required');
  if (!form.card || form.card.length < 12) errors.push('Card number invalid');
  return errors;
}
