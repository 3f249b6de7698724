/*
 * Reporting module.
 *
 * Originally written for the 2016 back office (the PHP one), ported to node in 2017
 * and extended ever since. The admin dashboard, the nightly cron and the finance team's
 * spreadsheets all depend on the exact CSV layouts produced here, so change columns
 * only after talking to finance.
 *
 * Entry points:
 *   generate(type, params, callback)   - used by /api/admin/reports/:type
 *   runFromCli(argv)                   - used by `npm run report -- <type> key=value ...`
 *   scheduleNightly()                  - started by the cron container
 */

var fs = require('fs');
var path = require('path');
var childProcess = require('child_process');
var moment = require('moment');
var _ = require('lodash');
var async = require('async');
var db = require('../db');
var config = require('../config');

var REPORT_DIR = config.reportsDir;
var DEFAULT_CURRENCY = 'EUR';
var DEFAULT_REGION = 'DE';
var PAGE_SIZE = 500;
var VAT_REGIONS = ['DE', 'FR', 'NL', 'GB', 'AT', 'BE', 'IT', 'ES'];

var REPORT_CACHE = {};
var CUSTOMER_CACHE = {};
var PRODUCT_CACHE = {};
var CATEGORY_CACHE = {};
var lastRun = {};
var runningReports = 0;

/* ------------------------------------------------------------------------------------------
 * helpers
 * ---------------------------------------------------------------------------------------- */

function pad(n) {
  return n < 10 ? '0' + n : '' + n;
}

function formatDate(d) {
  if (!d) return '';
  d = new Date(d);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
}

function formatDay(d) {
  return moment(d).format('YYYY-MM-DD');
}

function formatDateTime(d) {
  if (!d) return '';
  d = new Date(d);
  return formatDate(d) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

function formatMonth(d) {
  d = new Date(d);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1);
}

function formatWeek(d) {
  return moment(d).format('GGGG-[W]WW');
}

function formatMoney(amount) {
  if (amount === null || amount === undefined || isNaN(amount)) return '0.00';
  return parseFloat(amount).toFixed(2);
}

function money(amount, currency) {
  return formatMoney(amount) + ' ' + (currency || DEFAULT_CURRENCY);
}

function formatPercent(value) {
  if (!value || isNaN(value)) return '0.0%';
  return (value * 100).toFixed(1) + '%';
}

function safeNumber(value) {
  var n = parseFloat(value);
  return isNaN(n) ? 0 : n;
}

function round2(value) {
  return Math.round(value * 100) / 100;
}

function sum(rows, field) {
  var total = 0;
  for (var i = 0; i < rows.length; i++) {
    total += safeNumber(rows[i][field]);
  }
  return total;
}

function groupBy(rows, keyFn) {
  var groups = {};
  for (var i = 0; i < rows.length; i++) {
    var key = keyFn(rows[i]);
    if (!groups[key]) groups[key] = [];
    groups[key].push(rows[i]);
  }
  return groups;
}

function sortByField(rows, field, desc) {
  return rows.sort(function (a, b) {
    if (a[field] < b[field]) return desc ? 1 : -1;
    if (a[field] > b[field]) return desc ? -1 : 1;
    return 0;
  });
}

function daysBetween(from, to) {
  return Math.round((new Date(to) - new Date(from)) / (1000 * 60 * 60 * 24));
}

function parseRange(params) {
  var from = params.from || params.start || params.dateFrom;
  var to = params.to || params.end || params.dateTo;
  if (!from) {
    from = formatDate(new Date(Date.now() - 30 * 24 * 3600 * 1000));
  }
  if (!to) {
    to = formatDate(new Date());
  }
  return { from: from, to: to };
}

function dateFilter(column, params) {
  var range = parseRange(params);
  return " AND " + column + " >= '" + range.from + "' AND " + column + " < '" + range.to + "'::date + 1";
}

function regionFilter(column, params) {
  if (!params.region || params.region === 'all') return '';
  if (params.region.indexOf(',') >= 0) {
    var regions = params.region.split(',').map(function (r) { return "'" + r.trim() + "'"; });
    return ' AND ' + column + ' IN (' + regions.join(',') + ')';
  }
  return ' AND ' + column + " = '" + params.region + "'";
}

function statusFilter(column, params) {
  if (!params.status) return " AND " + column + " IN ('paid', 'shipped', 'delivered')";
  return ' AND ' + column + " = '" + params.status + "'";
}

function categoryFilter(column, params) {
  if (!params.category) return '';
  return ' AND ' + column + ' = ' + params.category;
}

function limitClause(params, fallback) {
  var limit = params.limit || fallback;
  if (!limit) return '';
  return ' LIMIT ' + limit;
}

function orderClause(params, fallback) {
  var sort = params.sort || fallback;
  var dir = params.dir || 'DESC';
  return ' ORDER BY ' + sort + ' ' + dir;
}

function csvRow(values) {
  return values.map(function (v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string' && v.indexOf(',') >= 0) return '"' + v + '"';
    return String(v);
  }).join(',');
}

function toCsv(columns, rows) {
  var lines = [csvRow(columns.map(function (c) { return c.title; }))];
  for (var i = 0; i < rows.length; i++) {
    var row = rows[i];
    lines.push(csvRow(columns.map(function (c) {
      return c.format ? c.format(row[c.field], row) : row[c.field];
    })));
  }
  return lines.join('\n');
}

function htmlTable(title, columns, rows, footer) {
  var html = '<h2>' + title + '</h2>';
  html += '<table class="report" border="1" cellpadding="4" cellspacing="0">';
  html += '<thead><tr>';
  for (var c = 0; c < columns.length; c++) {
    html += '<th>' + columns[c].title + '</th>';
  }
  html += '</tr></thead><tbody>';
  for (var i = 0; i < rows.length; i++) {
    html += '<tr>';
    for (var j = 0; j < columns.length; j++) {
      var col = columns[j];
      var value = col.format ? col.format(rows[i][col.field], rows[i]) : rows[i][col.field];
      html += '<td' + (col.align ? ' align="' + col.align + '"' : '') + '>' + (value === null || value === undefined ? '' : value) + '</td>';
    }
    html += '</tr>';
  }
  html += '</tbody>';
  if (footer) {
    html += '<tfoot><tr>';
    for (var k = 0; k < columns.length; k++) {
      html += '<td><b>' + (footer[columns[k].field] !== undefined ? footer[columns[k].field] : '') + '</b></td>';
    }
    html += '</tr></tfoot>';
  }
  html += '</table>';
  return html;
}

function htmlPage(title, params, sections) {
  var html = '<!doctype html><html><head><meta charset="utf-8"><title>' + title + '</title>';
  html += '<style>body{font-family:Arial,sans-serif;font-size:12px} table.report{border-collapse:collapse;margin-bottom:24px}';
  html += 'th{background:#eee;text-align:left} td{white-space:nowrap}</style></head><body>';
  html += '<h1>' + title + '</h1>';
  html += '<p>Parameters: ' + Object.keys(params).map(function (k) { return k + '=' + params[k]; }).join(', ') + '</p>';
  html += '<p>Generated ' + formatDateTime(new Date()) + '</p>';
  html += sections.join('\n');
  html += '</body></html>';
  return html;
}

function cacheKey(type, params) {
  return type + ':' + JSON.stringify(params);
}

function getCategoryName(id, callback) {
  if (CATEGORY_CACHE[id]) return callback(null, CATEGORY_CACHE[id]);
  db.pool.query('SELECT name FROM categories WHERE id = ' + id, function (err, res) {
    if (err) return callback(err);
    var name = res.rows.length ? res.rows[0].name : 'Uncategorised';
    CATEGORY_CACHE[id] = name;
    callback(null, name);
  });
}

function getProduct(id, callback) {
  if (PRODUCT_CACHE[id]) return callback(null, PRODUCT_CACHE[id]);
  db.pool.query('SELECT * FROM products WHERE id = ' + id, function (err, res) {
    if (err) return callback(err);
    PRODUCT_CACHE[id] = res.rows[0];
    callback(null, res.rows[0]);
  });
}

function getCustomer(id, callback) {
  if (CUSTOMER_CACHE[id]) return callback(null, CUSTOMER_CACHE[id]);
  db.pool.query('SELECT * FROM users WHERE id = ' + id, function (err, res) {
    if (err) return callback(err);
    CUSTOMER_CACHE[id] = res.rows[0];
    callback(null, res.rows[0]);
  });
}

function runQuery(sql, callback) {
  var started = Date.now();
  db.pool.query(sql, function (err, res) {
    if (err) {
      console.error('[reports] query failed: ' + sql);
      return callback(err);
    }
    if (Date.now() - started > 2000) {
      console.warn('[reports] slow query (' + (Date.now() - started) + 'ms): ' + sql);
    }
    callback(null, res.rows);
  });
}

function runQueryAll(sql, callback) {
  // pages through big result sets so the admin UI does not time out
  var all = [];
  var offset = 0;
  function next() {
    runQuery(sql + ' LIMIT ' + PAGE_SIZE + ' OFFSET ' + offset, function (err, rows) {
      if (err) return callback(err);
      all = all.concat(rows);
      if (rows.length < PAGE_SIZE) return callback(null, all);
      offset += PAGE_SIZE;
      next();
    });
  }
  next();
}

/* ------------------------------------------------------------------------------------------
 * sales
 * ---------------------------------------------------------------------------------------- */

function salesDaily(params, callback) {
  var sql = 'SELECT * FROM orders WHERE 1=1' +
    dateFilter('created_at', params) +
    regionFilter('region', params) +
    statusFilter('status', params) +
    ' ORDER BY created_at';

  runQuery(sql, function (err, orders) {
    if (err) return callback(err);

    var byDay = groupBy(orders, function (o) { return formatDate(o.created_at); });
    var days = Object.keys(byDay).sort();
    var rows = [];
    var totals = { day: 'Total', orders: 0, subtotal: 0, discount: 0, tax: 0, shipping: 0, total: 0, aov: '' };

    for (var i = 0; i < days.length; i++) {
      var dayOrders = byDay[days[i]];
      var row = {
        day: days[i],
        orders: dayOrders.length,
        subtotal: sum(dayOrders, 'subtotal'),
        discount: sum(dayOrders, 'discount'),
        tax: sum(dayOrders, 'tax'),
        shipping: sum(dayOrders, 'shipping'),
        total: sum(dayOrders, 'total'),
      };
      row.aov = row.orders ? row.total / row.orders : 0;
      rows.push(row);

      totals.orders += row.orders;
      totals.subtotal += row.subtotal;
      totals.discount += row.discount;
      totals.tax += row.tax;
      totals.shipping += row.shipping;
      totals.total += row.total;
    }

    var columns = [
      { field: 'day', title: 'Day' },
      { field: 'orders', title: 'Orders', align: 'right' },
      { field: 'subtotal', title: 'Subtotal', format: formatMoney, align: 'right' },
      { field: 'discount', title: 'Discount', format: formatMoney, align: 'right' },
      { field: 'tax', title: 'Tax', format: formatMoney, align: 'right' },
      { field: 'shipping', title: 'Shipping', format: formatMoney, align: 'right' },
      { field: 'total', title: 'Total', format: formatMoney, align: 'right' },
      { field: 'aov', title: 'Avg order', format: formatMoney, align: 'right' },
    ];

    callback(null, {
      title: 'Daily sales',
      columns: columns,
      rows: rows,
      totals: totals,
      csv: toCsv(columns, rows),
      html: htmlPage('Daily sales', params, [htmlTable('Daily sales', columns, rows, {
        day: 'Total',
        orders: totals.orders,
        subtotal: formatMoney(totals.subtotal),
        discount: formatMoney(totals.discount),
        tax: formatMoney(totals.tax),
        shipping: formatMoney(totals.shipping),
        total: formatMoney(totals.total),
      })]),
    });
  });
}

function salesWeekly(params, callback) {
  var sql = 'SELECT id, created_at, total, subtotal, discount, region FROM orders WHERE 1=1' +
    dateFilter('created_at', params) +
    regionFilter('region', params) +
    statusFilter('status', params);

  runQuery(sql, function (err, orders) {
    if (err) return callback(err);
    var byWeek = groupBy(orders, function (o) { return formatWeek(o.created_at); });
    var rows = Object.keys(byWeek).sort().map(function (week) {
      var list = byWeek[week];
      return {
        week: week,
        orders: list.length,
        revenue: sum(list, 'total'),
        discount: sum(list, 'discount'),
        customers: _.uniq(list.map(function (o) { return o.user_id; })).length,
      };
    });
    var columns = [
      { field: 'week', title: 'Week' },
      { field: 'orders', title: 'Orders', align: 'right' },
      { field: 'revenue', title: 'Revenue', format: formatMoney, align: 'right' },
      { field: 'discount', title: 'Discount', format: formatMoney, align: 'right' },
      { field: 'customers', title: 'Customers', align: 'right' },
    ];
    callback(null, {
      title: 'Weekly sales',
      columns: columns,
      rows: rows,
      csv: toCsv(columns, rows),
      html: htmlPage('Weekly sales', params, [htmlTable('Weekly sales', columns, rows)]),
    });
  });
}

function salesMonthly(params, callback) {
  var year = params.year || new Date().getFullYear();
  var sql = "SELECT * FROM orders WHERE EXTRACT(YEAR FROM created_at) = " + year +
    regionFilter('region', params) +
    statusFilter('status', params);

  runQuery(sql, function (err, orders) {
    if (err) return callback(err);
    var rows = [];
    for (var m = 1; m <= 12; m++) {
      var monthOrders = orders.filter(function (o) { return new Date(o.created_at).getMonth() + 1 === m; });
      var revenue = sum(monthOrders, 'total');
      var previous = rows.length ? rows[rows.length - 1].revenue : 0;
      rows.push({
        month: year + '-' + pad(m),
        orders: monthOrders.length,
        revenue: revenue,
        growth: previous ? (revenue - previous) / previous : 0,
      });
    }
    var columns = [
      { field: 'month', title: 'Month' },
      { field: 'orders', title: 'Orders', align: 'right' },
      { field: 'revenue', title: 'Revenue', format: formatMoney, align: 'right' },
      { field: 'growth', title: 'MoM growth', format: formatPercent, align: 'right' },
    ];
    callback(null, {
      title: 'Monthly sales ' + year,
      columns: columns,
      rows: rows,
      csv: toCsv(columns, rows),
      html: htmlPage('Monthly sales ' + year, params, [htmlTable('Monthly sales ' + year, columns, rows)]),
    });
  });
}

function salesByCategory(params, callback) {
  var sql = 'SELECT oi.*, o.created_at, o.region FROM order_items oi, orders o WHERE oi.order_id = o.id' +
    dateFilter('o.created_at', params) +
    regionFilter('o.region', params) +
    statusFilter('o.status', params);

  runQuery(sql, function (err, items) {
    if (err) return callback(err);

    var byCategory = {};
    async.eachSeries(items, function (item, next) {
      getProduct(item.product_id, function (err2, product) {
        if (err2) return next(err2);
        if (!product) return next();
        getCategoryName(product.category_id, function (err3, categoryName) {
          if (err3) return next(err3);
          if (!byCategory[categoryName]) {
            byCategory[categoryName] = { category: categoryName, units: 0, revenue: 0, cost: 0, products: {} };
          }
          var entry = byCategory[categoryName];
          entry.units += item.quantity;
          entry.revenue += item.quantity * item.unit_price;
          entry.cost += item.quantity * safeNumber(product.cost);
          entry.products[product.id] = true;
          next();
        });
      });
    }, function (err4) {
      if (err4) return callback(err4);
      var rows = _.values(byCategory).map(function (e) {
        return {
          category: e.category,
          units: e.units,
          revenue: e.revenue,
          cost: e.cost,
          margin: e.revenue ? (e.revenue - e.cost) / e.revenue : 0,
          products: Object.keys(e.products).length,
        };
      });
      rows = sortByField(rows, 'revenue', true);
      var columns = [
        { field: 'category', title: 'Category' },
        { field: 'products', title: 'Products', align: 'right' },
        { field: 'units', title: 'Units', align: 'right' },
        { field: 'revenue', title: 'Revenue', format: formatMoney, align: 'right' },
        { field: 'cost', title: 'Cost', format: formatMoney, align: 'right' },
        { field: 'margin', title: 'Margin', format: formatPercent, align: 'right' },
      ];
      callback(null, {
        title: 'Sales by category',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Sales by category', params, [htmlTable('Sales by category', columns, rows)]),
      });
    });
  });
}

function salesByRegion(params, callback) {
  var sql = 'SELECT region, COUNT(*) AS orders, SUM(total) AS revenue, SUM(tax) AS tax, SUM(shipping) AS shipping ' +
    'FROM orders WHERE 1=1' + dateFilter('created_at', params) + statusFilter('status', params) +
    ' GROUP BY region';

  runQuery(sql, function (err, rows) {
    if (err) return callback(err);
    var totalRevenue = sum(rows, 'revenue');
    rows.forEach(function (r) {
      r.share = totalRevenue ? safeNumber(r.revenue) / totalRevenue : 0;
      r.vatRegion = VAT_REGIONS.indexOf(r.region) >= 0 ? 'yes' : 'no';
    });

    // customers per region: one query per region because the old query timed out
    async.eachSeries(rows, function (row, next) {
      runQuery("SELECT COUNT(DISTINCT user_id) AS customers FROM orders WHERE region = '" + row.region + "'" +
        dateFilter('created_at', params), function (err2, result) {
        if (err2) return next(err2);
        row.customers = Number(result[0].customers);
        next();
      });
    }, function (err3) {
      if (err3) return callback(err3);
      rows = sortByField(rows, 'revenue', true);
      var columns = [
        { field: 'region', title: 'Region' },
        { field: 'orders', title: 'Orders', align: 'right' },
        { field: 'customers', title: 'Customers', align: 'right' },
        { field: 'revenue', title: 'Revenue', format: formatMoney, align: 'right' },
        { field: 'tax', title: 'Tax', format: formatMoney, align: 'right' },
        { field: 'shipping', title: 'Shipping', format: formatMoney, align: 'right' },
        { field: 'share', title: 'Share', format: formatPercent, align: 'right' },
        { field: 'vatRegion', title: 'EU VAT' },
      ];
      callback(null, {
        title: 'Sales by region',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Sales by region', params, [htmlTable('Sales by region', columns, rows)]),
      });
    });
  });
}

function topProducts(params, callback) {
  var limit = params.limit || 20;
  var sql = 'SELECT product_id, SUM(quantity) AS units, SUM(quantity * unit_price) AS revenue ' +
    'FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE 1=1' +
    dateFilter('created_at', params) + statusFilter('status', params) + regionFilter('region', params) + ')' +
    ' GROUP BY product_id' + orderClause(params, 'revenue') + ' LIMIT ' + limit;

  runQuery(sql, function (err, rows) {
    if (err) return callback(err);
    var result = [];
    var rank = 0;
    async.eachSeries(rows, function (row, next) {
      getProduct(row.product_id, function (err2, product) {
        if (err2) return next(err2);
        rank++;
        db.pool.query('SELECT AVG(rating) AS rating, COUNT(*) AS reviews FROM reviews WHERE product_id = ' + row.product_id,
          function (err3, ratingRes) {
            if (err3) return next(err3);
            result.push({
              rank: rank,
              sku: product ? product.sku : '?',
              name: product ? product.name : '(deleted product ' + row.product_id + ')',
              units: Number(row.units),
              revenue: safeNumber(row.revenue),
              stock: product ? product.stock : 0,
              rating: ratingRes.rows[0].rating ? Number(ratingRes.rows[0].rating).toFixed(1) : '-',
              reviews: Number(ratingRes.rows[0].reviews),
            });
            next();
          });
      });
    }, function (err4) {
      if (err4) return callback(err4);
      var columns = [
        { field: 'rank', title: '#' },
        { field: 'sku', title: 'SKU' },
        { field: 'name', title: 'Product' },
        { field: 'units', title: 'Units', align: 'right' },
        { field: 'revenue', title: 'Revenue', format: formatMoney, align: 'right' },
        { field: 'stock', title: 'Stock', align: 'right' },
        { field: 'rating', title: 'Rating', align: 'right' },
        { field: 'reviews', title: 'Reviews', align: 'right' },
      ];
      callback(null, {
        title: 'Top products',
        columns: columns,
        rows: result,
        csv: toCsv(columns, result),
        html: htmlPage('Top ' + limit + ' products', params, [htmlTable('Top products', columns, result)]),
      });
    });
  });
}

function productPerformance(params, callback) {
  runQuery('SELECT * FROM products WHERE active = true' + categoryFilter('category_id', params), function (err, products) {
    if (err) return callback(err);
    var rows = [];
    async.eachLimit(products, 4, function (product, next) {
      var itemsSql = 'SELECT oi.quantity, oi.unit_price, o.created_at FROM order_items oi JOIN orders o ON o.id = oi.order_id ' +
        'WHERE oi.product_id = ' + product.id + dateFilter('o.created_at', params) + statusFilter('o.status', params);
      runQuery(itemsSql, function (err2, items) {
        if (err2) return next(err2);
        runQuery('SELECT COUNT(*) AS views FROM audit_log WHERE action = \'product_view\' AND details = \'' + product.id + '\'' +
          dateFilter('created_at', params), function (err3, views) {
          if (err3) return next(err3);
          runQuery('SELECT SUM(r.amount) AS refunded FROM refunds r JOIN order_items oi ON oi.order_id = r.order_id ' +
            'WHERE oi.product_id = ' + product.id, function (err4, refunds) {
            if (err4) return next(err4);
            var units = sum(items, 'quantity');
            var revenue = 0;
            items.forEach(function (i) { revenue += i.quantity * i.unit_price; });
            var viewCount = Number(views[0].views);
            rows.push({
              sku: product.sku,
              name: product.name,
              price: product.price,
              units: units,
              revenue: revenue,
              views: viewCount,
              conversion: viewCount ? units / viewCount : 0,
              refunded: safeNumber(refunds[0].refunded),
              margin: revenue ? (revenue - units * safeNumber(product.cost)) / revenue : 0,
              daysOfStock: units ? Math.round(product.stock / (units / Math.max(1, daysBetween(parseRange(params).from, parseRange(params).to)))) : null,
            });
            next();
          });
        });
      });
    }, function (err5) {
      if (err5) return callback(err5);
      rows = sortByField(rows, params.sort || 'revenue', true);
      var columns = [
        { field: 'sku', title: 'SKU' },
        { field: 'name', title: 'Product' },
        { field: 'price', title: 'Price', format: formatMoney, align: 'right' },
        { field: 'units', title: 'Units', align: 'right' },
        { field: 'revenue', title: 'Revenue', format: formatMoney, align: 'right' },
        { field: 'views', title: 'Views', align: 'right' },
        { field: 'conversion', title: 'Conversion', format: formatPercent, align: 'right' },
        { field: 'refunded', title: 'Refunded', format: formatMoney, align: 'right' },
        { field: 'margin', title: 'Margin', format: formatPercent, align: 'right' },
        { field: 'daysOfStock', title: 'Days of stock', align: 'right' },
      ];
      callback(null, {
        title: 'Product performance',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Product performance', params, [htmlTable('Product performance', columns, rows)]),
      });
    });
  });
}

/* ------------------------------------------------------------------------------------------
 * inventory
 * ---------------------------------------------------------------------------------------- */

function inventoryValuation(params, callback) {
  var sql = 'SELECT p.*, v.name AS vendor_name FROM products p LEFT JOIN vendors v ON v.id = p.vendor_id WHERE 1=1' +
    (params.includeInactive ? '' : ' AND p.active = true') +
    categoryFilter('p.category_id', params) +
    (params.vendor ? " AND v.name = '" + params.vendor + "'" : '');

  runQuery(sql, function (err, products) {
    if (err) return callback(err);
    var rows = [];
    var totals = { units: 0, costValue: 0, retailValue: 0 };
    async.eachSeries(products, function (p, next) {
      getCategoryName(p.category_id || 0, function (err2, categoryName) {
        if (err2) return next(err2);
        var costValue = p.stock * safeNumber(p.cost);
        var retailValue = p.stock * safeNumber(p.price);
        rows.push({
          sku: p.sku,
          name: p.name,
          category: categoryName,
          vendor: p.vendor_name || '',
          stock: p.stock,
          cost: p.cost,
          price: p.price,
          costValue: costValue,
          retailValue: retailValue,
        });
        totals.units += p.stock;
        totals.costValue += costValue;
        totals.retailValue += retailValue;
        next();
      });
    }, function (err3) {
      if (err3) return callback(err3);
      rows = sortByField(rows, 'costValue', true);
      var columns = [
        { field: 'sku', title: 'SKU' },
        { field: 'name', title: 'Product' },
        { field: 'category', title: 'Category' },
        { field: 'vendor', title: 'Vendor' },
        { field: 'stock', title: 'Stock', align: 'right' },
        { field: 'cost', title: 'Unit cost', format: formatMoney, align: 'right' },
        { field: 'price', title: 'Unit price', format: formatMoney, align: 'right' },
        { field: 'costValue', title: 'Value at cost', format: formatMoney, align: 'right' },
        { field: 'retailValue', title: 'Value at retail', format: formatMoney, align: 'right' },
      ];
      callback(null, {
        title: 'Inventory valuation',
        columns: columns,
        rows: rows,
        totals: totals,
        csv: toCsv(columns, rows),
        html: htmlPage('Inventory valuation', params, [htmlTable('Inventory valuation', columns, rows, {
          sku: 'Total',
          stock: totals.units,
          costValue: formatMoney(totals.costValue),
          retailValue: formatMoney(totals.retailValue),
        })]),
      });
    });
  });
}

function lowStock(params, callback) {
  var threshold = params.threshold || 10;
  var sql = 'SELECT * FROM products WHERE active = true AND stock <= ' + threshold + categoryFilter('category_id', params) +
    ' ORDER BY stock ASC';
  runQuery(sql, function (err, products) {
    if (err) return callback(err);
    var rows = [];
    async.eachSeries(products, function (p, next) {
      runQuery('SELECT SUM(oi.quantity) AS sold FROM order_items oi JOIN orders o ON o.id = oi.order_id ' +
        "WHERE oi.product_id = " + p.id + " AND o.created_at > now() - interval '30 days'", function (err2, res) {
        if (err2) return next(err2);
        var sold30 = safeNumber(res[0].sold);
        var perDay = sold30 / 30;
        rows.push({
          sku: p.sku,
          name: p.name,
          stock: p.stock,
          sold30: sold30,
          daysLeft: perDay ? Math.floor(p.stock / perDay) : 'n/a',
          reorder: perDay ? Math.ceil(perDay * 45 - p.stock) : 0,
        });
        next();
      });
    }, function (err3) {
      if (err3) return callback(err3);
      var columns = [
        { field: 'sku', title: 'SKU' },
        { field: 'name', title: 'Product' },
        { field: 'stock', title: 'Stock', align: 'right' },
        { field: 'sold30', title: 'Sold (30d)', align: 'right' },
        { field: 'daysLeft', title: 'Days left', align: 'right' },
        { field: 'reorder', title: 'Suggested reorder', align: 'right' },
      ];
      var result = {
        title: 'Low stock',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Low stock (<= ' + threshold + ')', params, [htmlTable('Low stock', columns, rows)]),
      };
      if (params.notify) {
        emailReport(params.notify, 'Low stock report', result.html, function () {
          callback(null, result);
        });
      } else {
        callback(null, result);
      }
    });
  });
}

function stockMovements(params, callback) {
  var sql = 'SELECT oi.product_id, o.created_at, oi.quantity, o.status FROM order_items oi JOIN orders o ON o.id = oi.order_id ' +
    'WHERE 1=1' + dateFilter('o.created_at', params) +
    (params.sku ? " AND oi.product_id = (SELECT id FROM products WHERE sku = '" + params.sku + "')" : '');
  runQuery(sql, function (err, items) {
    if (err) return callback(err);
    var rows = [];
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      rows.push({
        day: formatDay(it.created_at),
        productId: it.product_id,
        movement: it.status === 'cancelled' || it.status === 'refunded' ? it.quantity : -it.quantity,
        reason: it.status,
      });
    }
    async.eachSeries(rows, function (row, next) {
      getProduct(row.productId, function (err2, product) {
        if (err2) return next(err2);
        row.sku = product ? product.sku : '';
        row.name = product ? product.name : '';
        next();
      });
    }, function (err3) {
      if (err3) return callback(err3);
      var columns = [
        { field: 'day', title: 'Day' },
        { field: 'sku', title: 'SKU' },
        { field: 'name', title: 'Product' },
        { field: 'movement', title: 'Movement', align: 'right' },
        { field: 'reason', title: 'Reason' },
      ];
      callback(null, {
        title: 'Stock movements',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Stock movements', params, [htmlTable('Stock movements', columns, rows)]),
      });
    });
  });
}

/* ------------------------------------------------------------------------------------------
 * customers
 * ---------------------------------------------------------------------------------------- */

function customerLifetimeValue(params, callback) {
  runQuery('SELECT * FROM users WHERE role = \'customer\'', function (err, customers) {
    if (err) return callback(err);
    runQuery("SELECT * FROM orders WHERE status IN ('paid', 'shipped', 'delivered')", function (err2, orders) {
      if (err2) return callback(err2);
      var rows = [];
      for (var i = 0; i < customers.length; i++) {
        var c = customers[i];
        var mine = orders.filter(function (o) { return o.user_id === c.id; });
        if (!mine.length && !params.includeInactive) continue;
        var revenue = sum(mine, 'total');
        var first = mine.length ? _.minBy(mine, 'created_at').created_at : null;
        var last = mine.length ? _.maxBy(mine, 'created_at').created_at : null;
        rows.push({
          id: c.id,
          name: c.name,
          email: c.email,
          phone: c.phone,
          orders: mine.length,
          revenue: revenue,
          aov: mine.length ? revenue / mine.length : 0,
          firstOrder: formatDate(first),
          lastOrder: formatDate(last),
          tenureDays: first ? daysBetween(first, new Date()) : 0,
          segment: revenue > 1000 ? 'VIP' : revenue > 250 ? 'Regular' : mine.length ? 'Occasional' : 'Inactive',
        });
      }
      rows = sortByField(rows, 'revenue', true);
      if (params.limit) rows = rows.slice(0, parseInt(params.limit, 10));
      var columns = [
        { field: 'id', title: 'ID' },
        { field: 'name', title: 'Name' },
        { field: 'email', title: 'Email' },
        { field: 'phone', title: 'Phone' },
        { field: 'orders', title: 'Orders', align: 'right' },
        { field: 'revenue', title: 'Revenue', format: formatMoney, align: 'right' },
        { field: 'aov', title: 'Avg order', format: formatMoney, align: 'right' },
        { field: 'firstOrder', title: 'First order' },
        { field: 'lastOrder', title: 'Last order' },
        { field: 'tenureDays', title: 'Tenure (days)', align: 'right' },
        { field: 'segment', title: 'Segment' },
      ];
      callback(null, {
        title: 'Customer lifetime value',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Customer lifetime value', params, [htmlTable('Customer lifetime value', columns, rows)]),
      });
    });
  });
}

function customerCohorts(params, callback) {
  var months = parseInt(params.months || 12, 10);
  runQuery('SELECT id, created_at FROM users WHERE created_at > now() - interval \'' + months + ' months\'', function (err, users) {
    if (err) return callback(err);
    var cohorts = groupBy(users, function (u) { return formatMonth(u.created_at); });
    var cohortKeys = Object.keys(cohorts).sort();
    var rows = [];
    async.eachSeries(cohortKeys, function (cohort, nextCohort) {
      var members = cohorts[cohort];
      var row = { cohort: cohort, size: members.length };
      var offsets = [];
      for (var m = 0; m < months; m++) offsets.push(m);
      async.eachSeries(offsets, function (offset, nextOffset) {
        var start = moment(cohort + '-01').add(offset, 'months');
        if (start.isAfter(moment())) return nextOffset();
        var end = moment(start).add(1, 'months');
        var active = 0;
        async.eachSeries(members, function (member, nextMember) {
          runQuery('SELECT COUNT(*) AS n FROM orders WHERE user_id = ' + member.id +
            " AND created_at >= '" + start.format('YYYY-MM-DD') + "' AND created_at < '" + end.format('YYYY-MM-DD') + "'",
          function (err2, res) {
            if (err2) return nextMember(err2);
            if (Number(res[0].n) > 0) active++;
            nextMember();
          });
        }, function (err3) {
          if (err3) return nextOffset(err3);
          row['m' + offset] = members.length ? active / members.length : 0;
          nextOffset();
        });
      }, function (err4) {
        if (err4) return nextCohort(err4);
        rows.push(row);
        nextCohort();
      });
    }, function (err5) {
      if (err5) return callback(err5);
      var columns = [{ field: 'cohort', title: 'Cohort' }, { field: 'size', title: 'Customers', align: 'right' }];
      for (var m = 0; m < months; m++) {
        columns.push({ field: 'm' + m, title: 'M' + m, format: formatPercent, align: 'right' });
      }
      callback(null, {
        title: 'Customer cohorts',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Customer cohorts', params, [htmlTable('Retention by signup month', columns, rows)]),
      });
    });
  });
}

function repeatCustomers(params, callback) {
  var sql = 'SELECT user_id, COUNT(*) AS orders, MIN(created_at) AS first_order, MAX(created_at) AS last_order ' +
    'FROM orders WHERE 1=1' + dateFilter('created_at', params) + statusFilter('status', params) +
    ' GROUP BY user_id HAVING COUNT(*) > ' + (params.minOrders || 1);
  runQuery(sql, function (err, rows) {
    if (err) return callback(err);
    async.eachSeries(rows, function (row, next) {
      getCustomer(row.user_id, function (err2, customer) {
        if (err2) return next(err2);
        row.name = customer ? customer.name : '';
        row.email = customer ? customer.email : '';
        row.address = customer ? customer.address : '';
        row.marketing = customer && customer.marketing_opt_in ? 'yes' : 'no';
        row.gapDays = Math.round(daysBetween(row.first_order, row.last_order) / Math.max(1, row.orders - 1));
        next();
      });
    }, function (err3) {
      if (err3) return callback(err3);
      rows = sortByField(rows, 'orders', true);
      var columns = [
        { field: 'name', title: 'Name' },
        { field: 'email', title: 'Email' },
        { field: 'address', title: 'Address' },
        { field: 'orders', title: 'Orders', align: 'right' },
        { field: 'first_order', title: 'First order', format: formatDate },
        { field: 'last_order', title: 'Last order', format: formatDate },
        { field: 'gapDays', title: 'Avg days between orders', align: 'right' },
        { field: 'marketing', title: 'Marketing opt-in' },
      ];
      callback(null, {
        title: 'Repeat customers',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Repeat customers', params, [htmlTable('Repeat customers', columns, rows)]),
      });
    });
  });
}

function customerSearch(params, callback) {
  var term = params.q || '';
  var sql = "SELECT u.id, u.name, u.email, u.phone, u.address, u.created_at, u.last_login, " +
    "(SELECT COUNT(*) FROM orders o WHERE o.user_id = u.id) AS orders " +
    "FROM users u WHERE u.name ILIKE '%" + term + "%' OR u.email ILIKE '%" + term + "%' OR u.phone LIKE '%" + term + "%'" +
    orderClause(params, 'u.created_at') + limitClause(params, 200);
  runQuery(sql, function (err, rows) {
    if (err) return callback(err);
    var columns = [
      { field: 'id', title: 'ID' },
      { field: 'name', title: 'Name' },
      { field: 'email', title: 'Email' },
      { field: 'phone', title: 'Phone' },
      { field: 'address', title: 'Address' },
      { field: 'orders', title: 'Orders', align: 'right' },
      { field: 'created_at', title: 'Signed up', format: formatDate },
      { field: 'last_login', title: 'Last login', format: formatDateTime },
    ];
    callback(null, {
      title: 'Customer search: ' + term,
      columns: columns,
      rows: rows,
      csv: toCsv(columns, rows),
      html: htmlPage('Customer search', params, [htmlTable('Results for "' + term + '"', columns, rows)]),
    });
  });
}

/* ------------------------------------------------------------------------------------------
 * finance
 * ---------------------------------------------------------------------------------------- */

function refundsSummary(params, callback) {
  var sql = 'SELECT r.*, o.total AS order_total, o.region, o.user_id FROM refunds r JOIN orders o ON o.id = r.order_id WHERE 1=1' +
    dateFilter('r.created_at', params) + regionFilter('o.region', params);
  runQuery(sql, function (err, refunds) {
    if (err) return callback(err);
    var rows = [];
    async.eachSeries(refunds, function (r, next) {
      getCustomer(r.user_id, function (err2, customer) {
        if (err2) return next(err2);
        getCustomer(r.processed_by, function (err3, agent) {
          if (err3) return next(err3);
          rows.push({
            id: r.id,
            orderId: r.order_id,
            day: formatDate(r.created_at),
            customer: customer ? customer.name + ' <' + customer.email + '>' : '',
            amount: r.amount,
            orderTotal: r.order_total,
            partial: r.amount < r.order_total ? 'partial' : 'full',
            reason: r.reason,
            agent: agent ? agent.name : 'system',
            region: r.region,
          });
          next();
        });
      });
    }, function (err4) {
      if (err4) return callback(err4);
      var byReason = groupBy(rows, function (r) { return (r.reason || 'unspecified').toLowerCase(); });
      var reasonRows = Object.keys(byReason).map(function (reason) {
        return { reason: reason, count: byReason[reason].length, amount: sum(byReason[reason], 'amount') };
      });
      var columns = [
        { field: 'id', title: 'Refund' },
        { field: 'orderId', title: 'Order' },
        { field: 'day', title: 'Day' },
        { field: 'customer', title: 'Customer' },
        { field: 'amount', title: 'Amount', format: formatMoney, align: 'right' },
        { field: 'orderTotal', title: 'Order total', format: formatMoney, align: 'right' },
        { field: 'partial', title: 'Type' },
        { field: 'reason', title: 'Reason' },
        { field: 'agent', title: 'Processed by' },
        { field: 'region', title: 'Region' },
      ];
      var reasonColumns = [
        { field: 'reason', title: 'Reason' },
        { field: 'count', title: 'Refunds', align: 'right' },
        { field: 'amount', title: 'Amount', format: formatMoney, align: 'right' },
      ];
      callback(null, {
        title: 'Refunds',
        columns: columns,
        rows: rows,
        byReason: reasonRows,
        csv: toCsv(columns, rows),
        html: htmlPage('Refunds', params, [
          htmlTable('By reason', reasonColumns, reasonRows),
          htmlTable('All refunds', columns, rows),
        ]),
      });
    });
  });
}

function taxSummary(params, callback) {
  var sql = 'SELECT * FROM orders WHERE 1=1' + dateFilter('created_at', params) + statusFilter('status', params);
  runQuery(sql, function (err, orders) {
    if (err) return callback(err);
    var byRegion = groupBy(orders, function (o) { return o.region || DEFAULT_REGION; });
    var rows = [];
    Object.keys(byRegion).forEach(function (region) {
      var list = byRegion[region];
      var net = 0;
      var tax = 0;
      var gross = 0;
      list.forEach(function (o) {
        net += o.subtotal - o.discount;
        tax += o.tax;
        gross += o.total;
      });
      var rate = config.taxRates[region] !== undefined ? config.taxRates[region] : 0;
      var expected = net * rate;
      rows.push({
        region: region,
        orders: list.length,
        net: net,
        rate: rate,
        tax: tax,
        expected: expected,
        difference: tax - expected,
        gross: gross,
      });
    });
    rows = sortByField(rows, 'gross', true);
    var columns = [
      { field: 'region', title: 'Region' },
      { field: 'orders', title: 'Orders', align: 'right' },
      { field: 'net', title: 'Net', format: formatMoney, align: 'right' },
      { field: 'rate', title: 'Rate', format: formatPercent, align: 'right' },
      { field: 'tax', title: 'Tax charged', format: formatMoney, align: 'right' },
      { field: 'expected', title: 'Tax expected', format: formatMoney, align: 'right' },
      { field: 'difference', title: 'Difference', format: formatMoney, align: 'right' },
      { field: 'gross', title: 'Gross', format: formatMoney, align: 'right' },
    ];
    callback(null, {
      title: 'Tax summary',
      columns: columns,
      rows: rows,
      csv: toCsv(columns, rows),
      html: htmlPage('Tax summary', params, [htmlTable('Tax by region', columns, rows)]),
    });
  });
}

function couponUsage(params, callback) {
  runQuery('SELECT * FROM coupons' + (params.code ? " WHERE code = '" + params.code + "'" : ''), function (err, coupons) {
    if (err) return callback(err);
    var rows = [];
    async.eachSeries(coupons, function (c, next) {
      runQuery("SELECT * FROM orders WHERE coupon_code = '" + c.code + "'" + dateFilter('created_at', params), function (err2, orders) {
        if (err2) return next(err2);
        var revenue = sum(orders, 'total');
        var discount = sum(orders, 'discount');
        var customers = _.uniq(orders.map(function (o) { return o.user_id; }));
        var newCustomers = 0;
        async.eachSeries(customers, function (userId, nextCustomer) {
          runQuery('SELECT MIN(created_at) AS first FROM orders WHERE user_id = ' + userId, function (err3, first) {
            if (err3) return nextCustomer(err3);
            var usedOnFirst = orders.some(function (o) {
              return o.user_id === userId && formatDateTime(o.created_at) === formatDateTime(first[0].first);
            });
            if (usedOnFirst) newCustomers++;
            nextCustomer();
          });
        }, function (err4) {
          if (err4) return next(err4);
          rows.push({
            code: c.code,
            type: c.percent_off ? c.percent_off + '%' : formatMoney(c.amount_off) + ' off',
            uses: orders.length,
            maxUses: c.max_uses || 'unlimited',
            revenue: revenue,
            discount: discount,
            customers: customers.length,
            newCustomers: newCustomers,
            expires: c.expires_at ? formatDate(c.expires_at) : 'never',
            expired: c.expires_at && new Date(c.expires_at) < new Date() ? 'yes' : 'no',
          });
          next();
        });
      });
    }, function (err5) {
      if (err5) return callback(err5);
      rows = sortByField(rows, 'discount', true);
      var columns = [
        { field: 'code', title: 'Code' },
        { field: 'type', title: 'Discount' },
        { field: 'uses', title: 'Uses', align: 'right' },
        { field: 'maxUses', title: 'Max uses', align: 'right' },
        { field: 'revenue', title: 'Revenue', format: formatMoney, align: 'right' },
        { field: 'discount', title: 'Discount given', format: formatMoney, align: 'right' },
        { field: 'customers', title: 'Customers', align: 'right' },
        { field: 'newCustomers', title: 'New customers', align: 'right' },
        { field: 'expires', title: 'Expires' },
        { field: 'expired', title: 'Expired' },
      ];
      callback(null, {
        title: 'Coupon usage',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Coupon usage', params, [htmlTable('Coupon usage', columns, rows)]),
      });
    });
  });
}

function vendorPayouts(params, callback) {
  var month = params.month || formatMonth(moment().subtract(1, 'months'));
  var from = month + '-01';
  var to = moment(from).add(1, 'months').format('YYYY-MM-DD');
  runQuery('SELECT * FROM vendors' + (params.vendorId ? ' WHERE id = ' + params.vendorId : ''), function (err, vendors) {
    if (err) return callback(err);
    var rows = [];
    async.eachSeries(vendors, function (v, next) {
      var sql = 'SELECT oi.quantity, oi.unit_price, o.id AS order_id, o.status FROM order_items oi ' +
        'JOIN orders o ON o.id = oi.order_id JOIN products p ON p.id = oi.product_id ' +
        'WHERE p.vendor_id = ' + v.id + " AND o.created_at >= '" + from + "' AND o.created_at < '" + to + "'";
      runQuery(sql, function (err2, items) {
        if (err2) return next(err2);
        var gross = 0;
        var refundedItems = 0;
        items.forEach(function (i) {
          if (i.status === 'refunded' || i.status === 'cancelled') {
            refundedItems += i.quantity;
            return;
          }
          gross += i.quantity * i.unit_price;
        });
        var commission = gross * v.commission_rate;
        var payout = gross - commission;
        rows.push({
          vendor: v.name,
          email: v.email,
          iban: v.payout_iban,
          orders: _.uniq(items.map(function (i) { return i.order_id; })).length,
          gross: gross,
          commissionRate: v.commission_rate,
          commission: commission,
          payout: payout,
          refundedItems: refundedItems,
        });
        next();
      });
    }, function (err3) {
      if (err3) return callback(err3);
      var columns = [
        { field: 'vendor', title: 'Vendor' },
        { field: 'email', title: 'Email' },
        { field: 'iban', title: 'IBAN' },
        { field: 'orders', title: 'Orders', align: 'right' },
        { field: 'gross', title: 'Gross', format: formatMoney, align: 'right' },
        { field: 'commissionRate', title: 'Commission', format: formatPercent, align: 'right' },
        { field: 'commission', title: 'Commission amount', format: formatMoney, align: 'right' },
        { field: 'payout', title: 'Payout', format: formatMoney, align: 'right' },
        { field: 'refundedItems', title: 'Refunded items', align: 'right' },
      ];
      var result = {
        title: 'Vendor payouts ' + month,
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Vendor payouts ' + month, params, [htmlTable('Payouts', columns, rows)]),
      };
      if (params.send === 'true' || params.send === true) {
        // finance wants each vendor to get their own statement straight away
        async.eachSeries(rows, function (row, nextMail) {
          emailReport(row.email, 'Your payout statement ' + month,
            htmlPage('Payout statement ' + month, { vendor: row.vendor }, [htmlTable(row.vendor, columns, [row])]), nextMail);
        }, function () {
          callback(null, result);
        });
      } else {
        callback(null, result);
      }
    });
  });
}

function giftCardLiability(params, callback) {
  runQuery('SELECT g.*, u.name, u.email FROM gift_cards g LEFT JOIN users u ON u.id = g.issued_to WHERE g.balance > 0' +
    orderClause(params, 'g.balance'), function (err, cards) {
    if (err) return callback(err);
    var total = sum(cards, 'balance');
    var byAge = groupBy(cards, function (c) {
      var age = daysBetween(c.created_at, new Date());
      if (age < 90) return '0-90 days';
      if (age < 365) return '90-365 days';
      if (age < 3 * 365) return '1-3 years';
      return 'over 3 years';
    });
    var ageRows = Object.keys(byAge).map(function (bucket) {
      return { bucket: bucket, cards: byAge[bucket].length, balance: sum(byAge[bucket], 'balance') };
    });
    var columns = [
      { field: 'code', title: 'Code' },
      { field: 'balance', title: 'Balance', format: formatMoney, align: 'right' },
      { field: 'name', title: 'Holder' },
      { field: 'email', title: 'Email' },
      { field: 'created_at', title: 'Issued', format: formatDate },
    ];
    var ageColumns = [
      { field: 'bucket', title: 'Age' },
      { field: 'cards', title: 'Cards', align: 'right' },
      { field: 'balance', title: 'Outstanding', format: formatMoney, align: 'right' },
    ];
    callback(null, {
      title: 'Gift card liability',
      columns: columns,
      rows: cards,
      total: total,
      csv: toCsv(columns, cards),
      html: htmlPage('Gift card liability', params, [
        '<p>Total outstanding: ' + money(total) + '</p>',
        htmlTable('By age', ageColumns, ageRows),
        htmlTable('Cards', columns, cards),
      ]),
    });
  });
}

function marginReport(params, callback) {
  var sql = 'SELECT oi.*, o.created_at, o.discount AS order_discount, o.subtotal AS order_subtotal ' +
    'FROM order_items oi JOIN orders o ON o.id = oi.order_id WHERE 1=1' +
    dateFilter('o.created_at', params) + statusFilter('o.status', params);
  runQuery(sql, function (err, items) {
    if (err) return callback(err);
    var byProduct = {};
    async.eachSeries(items, function (item, next) {
      getProduct(item.product_id, function (err2, product) {
        if (err2) return next(err2);
        var key = product ? product.sku : 'unknown';
        if (!byProduct[key]) {
          byProduct[key] = { sku: key, name: product ? product.name : '', units: 0, revenue: 0, discount: 0, cost: 0 };
        }
        var entry = byProduct[key];
        var lineTotal = item.quantity * item.unit_price;
        // spread the order level discount over the lines by value
        var share = item.order_subtotal ? lineTotal / item.order_subtotal : 0;
        entry.units += item.quantity;
        entry.revenue += lineTotal;
        entry.discount += item.order_discount * share;
        entry.cost += item.quantity * safeNumber(product && product.cost);
        next();
      });
    }, function (err3) {
      if (err3) return callback(err3);
      var rows = _.values(byProduct).map(function (e) {
        var net = e.revenue - e.discount;
        return _.extend(e, { net: net, margin: net - e.cost, marginPct: net ? (net - e.cost) / net : 0 });
      });
      rows = sortByField(rows, params.sort || 'margin', params.dir !== 'asc');
      var columns = [
        { field: 'sku', title: 'SKU' },
        { field: 'name', title: 'Product' },
        { field: 'units', title: 'Units', align: 'right' },
        { field: 'revenue', title: 'Revenue', format: formatMoney, align: 'right' },
        { field: 'discount', title: 'Discount', format: formatMoney, align: 'right' },
        { field: 'net', title: 'Net', format: formatMoney, align: 'right' },
        { field: 'cost', title: 'Cost', format: formatMoney, align: 'right' },
        { field: 'margin', title: 'Margin', format: formatMoney, align: 'right' },
        { field: 'marginPct', title: 'Margin %', format: formatPercent, align: 'right' },
      ];
      callback(null, {
        title: 'Margin by product',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Margin by product', params, [htmlTable('Margin by product', columns, rows)]),
      });
    });
  });
}

/* ------------------------------------------------------------------------------------------
 * operations
 * ---------------------------------------------------------------------------------------- */

function shippingPerformance(params, callback) {
  var sql = 'SELECT s.*, o.created_at AS ordered_at, o.region FROM shipments s JOIN orders o ON o.id = s.order_id WHERE 1=1' +
    dateFilter('o.created_at', params) + regionFilter('o.region', params) +
    (params.carrier ? " AND s.carrier = '" + params.carrier + "'" : '');
  runQuery(sql, function (err, shipments) {
    if (err) return callback(err);
    var byCarrier = groupBy(shipments, function (s) { return s.carrier || 'unknown'; });
    var rows = Object.keys(byCarrier).map(function (carrier) {
      var list = byCarrier[carrier];
      var toShip = [];
      var toDeliver = [];
      var late = 0;
      list.forEach(function (s) {
        if (s.shipped_at) toShip.push(daysBetween(s.ordered_at, s.shipped_at));
        if (s.shipped_at && s.delivered_at) {
          var d = daysBetween(s.shipped_at, s.delivered_at);
          toDeliver.push(d);
          if (d > 5) late++;
        }
      });
      return {
        carrier: carrier,
        shipments: list.length,
        avgDaysToShip: toShip.length ? _.mean(toShip).toFixed(1) : '-',
        avgDaysToDeliver: toDeliver.length ? _.mean(toDeliver).toFixed(1) : '-',
        late: late,
        lateRate: toDeliver.length ? late / toDeliver.length : 0,
        undelivered: list.filter(function (s) { return !s.delivered_at; }).length,
      };
    });
    var columns = [
      { field: 'carrier', title: 'Carrier' },
      { field: 'shipments', title: 'Shipments', align: 'right' },
      { field: 'avgDaysToShip', title: 'Days to ship', align: 'right' },
      { field: 'avgDaysToDeliver', title: 'Days to deliver', align: 'right' },
      { field: 'late', title: 'Late (>5d)', align: 'right' },
      { field: 'lateRate', title: 'Late %', format: formatPercent, align: 'right' },
      { field: 'undelivered', title: 'Not delivered', align: 'right' },
    ];
    callback(null, {
      title: 'Shipping performance',
      columns: columns,
      rows: rows,
      csv: toCsv(columns, rows),
      html: htmlPage('Shipping performance', params, [htmlTable('By carrier', columns, rows)]),
    });
  });
}

function unshippedOrders(params, callback) {
  var days = params.olderThan || 2;
  var sql = "SELECT o.* FROM orders o WHERE o.status = 'paid' AND o.created_at < now() - interval '" + days + " days' " +
    'AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id)' + regionFilter('o.region', params) +
    ' ORDER BY o.created_at';
  runQuery(sql, function (err, orders) {
    if (err) return callback(err);
    var rows = [];
    async.eachSeries(orders, function (o, next) {
      getCustomer(o.user_id, function (err2, customer) {
        if (err2) return next(err2);
        runQuery('SELECT COUNT(*) AS lines, SUM(quantity) AS units FROM order_items WHERE order_id = ' + o.id, function (err3, res) {
          if (err3) return next(err3);
          rows.push({
            orderId: o.id,
            placed: formatDateTime(o.created_at),
            waitingDays: daysBetween(o.created_at, new Date()),
            customer: customer ? customer.name : '',
            email: customer ? customer.email : '',
            address: o.shipping_address,
            lines: Number(res[0].lines),
            units: Number(res[0].units),
            total: o.total,
          });
          next();
        });
      });
    }, function (err4) {
      if (err4) return callback(err4);
      var columns = [
        { field: 'orderId', title: 'Order' },
        { field: 'placed', title: 'Placed' },
        { field: 'waitingDays', title: 'Waiting (days)', align: 'right' },
        { field: 'customer', title: 'Customer' },
        { field: 'email', title: 'Email' },
        { field: 'address', title: 'Ship to' },
        { field: 'lines', title: 'Lines', align: 'right' },
        { field: 'units', title: 'Units', align: 'right' },
        { field: 'total', title: 'Total', format: formatMoney, align: 'right' },
      ];
      callback(null, {
        title: 'Unshipped orders',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Unshipped orders', params, [htmlTable('Paid but not shipped after ' + days + ' days', columns, rows)]),
      });
    });
  });
}

function abandonedCarts(params, callback) {
  var hours = params.hours || 24;
  var sql = "SELECT c.* FROM carts c WHERE c.updated_at < now() - interval '" + hours + " hours' AND c.user_id IS NOT NULL";
  runQuery(sql, function (err, carts) {
    if (err) return callback(err);
    var rows = [];
    async.eachSeries(carts, function (cart, next) {
      runQuery('SELECT * FROM cart_items WHERE cart_id = ' + cart.id, function (err2, items) {
        if (err2) return next(err2);
        if (!items.length) return next();
        getCustomer(cart.user_id, function (err3, customer) {
          if (err3) return next(err3);
          var value = 0;
          var names = [];
          async.eachSeries(items, function (item, nextItem) {
            getProduct(item.product_id, function (err4, product) {
              if (err4) return nextItem(err4);
              if (product) {
                value += product.price * item.quantity;
                names.push(product.name);
              }
              nextItem();
            });
          }, function (err5) {
            if (err5) return next(err5);
            var row = {
              cartId: cart.id,
              customer: customer ? customer.name : '',
              email: customer ? customer.email : '',
              items: items.length,
              products: names.join('; '),
              value: value,
              lastActivity: formatDateTime(cart.updated_at),
            };
            rows.push(row);
            if (params.remind === 'true' && customer) {
              var html = '<p>Hi ' + customer.name + ',</p><p>You left ' + names.join(', ') +
                ' in your basket. <a href="' + config.baseUrl + '/cart">Complete your order</a></p>';
              emailReport(customer.email, 'You left something behind', html, function () { next(); });
            } else {
              next();
            }
          });
        });
      });
    }, function (err6) {
      if (err6) return callback(err6);
      rows = sortByField(rows, 'value', true);
      var columns = [
        { field: 'cartId', title: 'Cart' },
        { field: 'customer', title: 'Customer' },
        { field: 'email', title: 'Email' },
        { field: 'items', title: 'Items', align: 'right' },
        { field: 'products', title: 'Products' },
        { field: 'value', title: 'Value', format: formatMoney, align: 'right' },
        { field: 'lastActivity', title: 'Last activity' },
      ];
      callback(null, {
        title: 'Abandoned carts',
        columns: columns,
        rows: rows,
        csv: toCsv(columns, rows),
        html: htmlPage('Abandoned carts', params, [htmlTable('Carts idle for ' + hours + 'h', columns, rows)]),
      });
    });
  });
}

function reviewModeration(params, callback) {
  var sql = 'SELECT r.*, p.name AS product, u.name AS author, u.email AS author_email FROM reviews r ' +
    'JOIN products p ON p.id = r.product_id JOIN users u ON u.id = r.user_id WHERE 1=1' +
    (params.approved === 'false' ? ' AND r.approved = false' : '') +
    (params.maxRating ? ' AND r.rating <= ' + params.maxRating : '') +
    dateFilter('r.created_at', params) + ' ORDER BY r.created_at DESC';
  runQuery(sql, function (err, reviews) {
    if (err) return callback(err);
    var flagged = reviews.filter(function (r) {
      var text = (r.title || '') + ' ' + (r.body || '');
      return /https?:\/\//i.test(text) || /<[a-z]/i.test(text) || text.length > 2000;
    });
    var columns = [
      { field: 'id', title: 'ID' },
      { field: 'product', title: 'Product' },
      { field: 'author', title: 'Author' },
      { field: 'author_email', title: 'Email' },
      { field: 'rating', title: 'Rating', align: 'right' },
      { field: 'title', title: 'Title' },
      { field: 'body', title: 'Review' },
      { field: 'created_at', title: 'Posted', format: formatDateTime },
    ];
    callback(null, {
      title: 'Review moderation',
      columns: columns,
      rows: reviews,
      flagged: flagged.length,
      csv: toCsv(columns, reviews),
      html: htmlPage('Review moderation', params, [
        htmlTable('Flagged (' + flagged.length + ')', columns, flagged),
        htmlTable('All reviews', columns, reviews),
      ]),
    });
  });
}

function auditTrail(params, callback) {
  var sql = 'SELECT a.*, u.email FROM audit_log a LEFT JOIN users u ON u.id = a.user_id WHERE 1=1' +
    (params.action ? " AND a.action = '" + params.action + "'" : '') +
    (params.userId ? ' AND a.user_id = ' + params.userId : '') +
    (params.contains ? " AND a.details LIKE '%" + params.contains + "%'" : '') +
    dateFilter('a.created_at', params) + orderClause(params, 'a.created_at') + limitClause(params, 5000);
  runQuery(sql, function (err, rows) {
    if (err) return callback(err);
    var columns = [
      { field: 'id', title: 'ID' },
      { field: 'created_at', title: 'When', format: formatDateTime },
      { field: 'email', title: 'User' },
      { field: 'action', title: 'Action' },
      { field: 'details', title: 'Details' },
    ];
    callback(null, {
      title: 'Audit trail',
      columns: columns,
      rows: rows,
      csv: toCsv(columns, rows),
      html: htmlPage('Audit trail', params, [htmlTable('Audit trail', columns, rows)]),
    });
  });
}

function userExport(params, callback) {
  // marketing export for the newsletter tool; the tool dedupes on email itself
  var sql = 'SELECT id, email, name, phone, address, website, role, marketing_opt_in, created_at, last_login FROM users WHERE 1=1' +
    (params.role ? " AND role = '" + params.role + "'" : '') +
    (params.optInOnly === 'true' ? ' AND marketing_opt_in = true' : '');
  runQueryAll(sql, function (err, users) {
    if (err) return callback(err);
    var columns = [
      { field: 'id', title: 'ID' },
      { field: 'email', title: 'Email' },
      { field: 'name', title: 'Name' },
      { field: 'phone', title: 'Phone' },
      { field: 'address', title: 'Address' },
      { field: 'website', title: 'Website' },
      { field: 'role', title: 'Role' },
      { field: 'marketing_opt_in', title: 'Opt-in' },
      { field: 'created_at', title: 'Created', format: formatDate },
      { field: 'last_login', title: 'Last login', format: formatDateTime },
    ];
    var fileName = (params.fileName || 'users-' + formatDate(new Date())) + '.csv';
    writeReportFile(fileName, toCsv(columns, users), function (err2, file) {
      if (err2) return callback(err2);
      callback(null, {
        title: 'User export',
        columns: columns,
        rows: users,
        file: file,
        url: '/reports/' + fileName,
        html: htmlPage('User export', params, ['<p>' + users.length + ' users exported to <a href="/reports/' + fileName + '">' +
          fileName + '</a></p>']),
      });
    });
  });
}

function customQuery(params, callback) {
  // "power user" report for the finance team: they paste SQL from their notebook
  if (!params.sql) return callback(new Error('sql parameter is required'));
  runQuery(params.sql, function (err, rows) {
    if (err) return callback(err);
    var columns = rows.length ? Object.keys(rows[0]).map(function (k) { return { field: k, title: k }; }) : [];
    callback(null, {
      title: params.title || 'Custom query',
      columns: columns,
      rows: rows,
      csv: toCsv(columns, rows),
      html: htmlPage(params.title || 'Custom query', params, [htmlTable(params.title || 'Result', columns, rows)]),
    });
  });
}

/* ------------------------------------------------------------------------------------------
 * output
 * ---------------------------------------------------------------------------------------- */

function writeReportFile(name, content, callback) {
  var file = path.join(REPORT_DIR, name);
  fs.mkdir(path.dirname(file), { recursive: true }, function () {
    fs.writeFile(file, content, function (err) {
      if (err) return callback(err);
      fs.chmod(file, '0666', function () {
        callback(null, file);
      });
    });
  });
}

function toPdf(name, html, callback) {
  var htmlFile = path.join(REPORT_DIR, name + '.html');
  var pdfFile = path.join(REPORT_DIR, name + '.pdf');
  fs.writeFile(htmlFile, html, function (err) {
    if (err) return callback(err);
    childProcess.exec('wkhtmltopdf --quiet "' + htmlFile + '" "' + pdfFile + '"', function (err2) {
      if (err2) return callback(err2);
      callback(null, pdfFile);
    });
  });
}

function emailReport(to, subject, html, callback) {
  var tmp = path.join('/tmp', 'report-' + Date.now() + '.html');
  fs.writeFile(tmp, html, function (err) {
    if (err) {
      console.error('[reports] could not write mail body', err);
      return callback(err);
    }
    var cmd = 'mail -a "Content-Type: text/html" -s "' + subject + '" ' + to + ' < ' + tmp;
    childProcess.exec(cmd, function (err2, stdout, stderr) {
      if (err2) {
        console.error('[reports] mail failed: ' + stderr);
      }
      callback();
    });
  });
}

function archive(type, params, result, callback) {
  var stamp = moment().format('YYYYMMDD-HHmmss');
  var base = (params.name || type) + '-' + stamp;
  writeReportFile(base + '.csv', result.csv || '', function (err) {
    if (err) return callback(err);
    if (params.pdf === 'true') {
      return toPdf(base, result.html, function (err2, pdf) {
        if (err2) return callback(err2);
        result.pdf = pdf;
        callback(null, result);
      });
    }
    callback(null, result);
  });
}

/* ------------------------------------------------------------------------------------------
 * dispatch
 * ---------------------------------------------------------------------------------------- */

var REPORTS = {
  'sales-daily': salesDaily,
  'sales-weekly': salesWeekly,
  'sales-monthly': salesMonthly,
  'sales-by-category': salesByCategory,
  'sales-by-region': salesByRegion,
  'top-products': topProducts,
  'product-performance': productPerformance,
  'inventory': inventoryValuation,
  'low-stock': lowStock,
  'stock-movements': stockMovements,
  'clv': customerLifetimeValue,
  'cohorts': customerCohorts,
  'repeat-customers': repeatCustomers,
  'customer-search': customerSearch,
  'refunds': refundsSummary,
  'tax': taxSummary,
  'coupons': couponUsage,
  'vendor-payouts': vendorPayouts,
  'gift-cards': giftCardLiability,
  'margin': marginReport,
  'shipping': shippingPerformance,
  'unshipped': unshippedOrders,
  'abandoned-carts': abandonedCarts,
  'reviews': reviewModeration,
  'audit': auditTrail,
  'user-export': userExport,
  'custom': customQuery,
};

function generate(type, params, callback) {
  params = params || {};
  var report = REPORTS[type];
  if (!report) {
    return callback(new Error('Unknown report type: ' + type + '. Available: ' + Object.keys(REPORTS).join(', ')));
  }

  var key = cacheKey(type, params);
  if (REPORT_CACHE[key] && params.refresh !== 'true') {
    return callback(null, REPORT_CACHE[key]);
  }

  runningReports++;
  var started = Date.now();
  console.log('[reports] running ' + type + ' ' + JSON.stringify(params));

  report(params, function (err, result) {
    runningReports--;
    if (err) {
      console.error('[reports] ' + type + ' failed after ' + (Date.now() - started) + 'ms', err);
      return callback(err);
    }
    result.type = type;
    result.generatedAt = new Date().toISOString();
    result.durationMs = Date.now() - started;
    REPORT_CACHE[key] = result;
    lastRun[type] = result.generatedAt;

    db.pool.query("INSERT INTO audit_log (action, details) VALUES ('report', '" + type + ' ' + JSON.stringify(params) + "')",
      function () {});

    if (params.archive === 'true') {
      return archive(type, params, result, callback);
    }
    callback(null, result);
  });
}

function generateMany(types, params, callback) {
  var results = {};
  async.each(types, function (type, next) {
    generate(type, params, function (err, result) {
      if (err) {
        results[type] = { error: err.message };
      } else {
        results[type] = result;
      }
      next();
    });
  }, function () {
    callback(null, results);
  });
}

function status() {
  return {
    running: runningReports,
    cached: Object.keys(REPORT_CACHE).length,
    lastRun: lastRun,
    available: Object.keys(REPORTS),
  };
}

function clearCache() {
  REPORT_CACHE = {};
}

/* ------------------------------------------------------------------------------------------
 * nightly job
 * ---------------------------------------------------------------------------------------- */

var NIGHTLY = [
  { type: 'sales-daily', params: { archive: 'true', pdf: 'true' }, to: 'finance@shop-app.example' },
  { type: 'low-stock', params: { threshold: '5', notify: 'purchasing@shop-app.example' } },
  { type: 'unshipped', params: { olderThan: '2', archive: 'true' }, to: 'warehouse@shop-app.example' },
  { type: 'abandoned-carts', params: { hours: '24', remind: 'true' } },
  { type: 'refunds', params: { archive: 'true' }, to: 'finance@shop-app.example' },
];

var nightlyTimer = null;
var lastNightly = null;

function runNightly(callback) {
  var yesterday = formatDate(moment().subtract(1, 'days'));
  async.eachSeries(NIGHTLY, function (job, next) {
    var params = _.extend({ from: yesterday, to: yesterday, refresh: 'true' }, job.params);
    generate(job.type, params, function (err, result) {
      if (err) {
        console.error('[reports] nightly ' + job.type + ' failed', err);
        return next();
      }
      if (!job.to) return next();
      emailReport(job.to, result.title + ' ' + yesterday, result.html, function () { next(); });
    });
  }, function () {
    lastNightly = new Date();
    if (callback) callback();
  });
}

function scheduleNightly() {
  if (nightlyTimer) return;
  nightlyTimer = setInterval(function () {
    var now = new Date();
    if (now.getHours() === 2 && (!lastNightly || formatDate(lastNightly) !== formatDate(now))) {
      runNightly();
    }
  }, 60 * 1000);
}

/* ------------------------------------------------------------------------------------------
 * old implementations, kept until finance confirms the new numbers
 * ---------------------------------------------------------------------------------------- */

function salesDailyV1(params, callback) {
  var from = params.from || formatDay(moment().subtract(30, 'days'));
  var to = params.to || formatDay(moment());
  var days = [];
  for (var d = moment(from); d.isBefore(moment(to).add(1, 'days')); d.add(1, 'days')) {
    days.push(d.format('YYYY-MM-DD'));
  }
  var rows = [];
  async.eachSeries(days, function (day, next) {
    runQuery("SELECT COUNT(*) AS orders, SUM(total) AS total FROM orders WHERE created_at::date = '" + day + "'" +
      " AND status <> 'cancelled'", function (err, res) {
      if (err) return next(err);
      rows.push({ day: day, orders: Number(res[0].orders), total: safeNumber(res[0].total) });
      next();
    });
  }, function (err) {
    if (err) return callback(err);
    var columns = [
      { field: 'day', title: 'Day' },
      { field: 'orders', title: 'Orders' },
      { field: 'total', title: 'Total', format: formatMoney },
    ];
    callback(null, { title: 'Daily sales (v1)', columns: columns, rows: rows, csv: toCsv(columns, rows) });
  });
}

function topProductsV1(params, callback) {
  runQuery('SELECT * FROM order_items', function (err, items) {
    if (err) return callback(err);
    var counts = {};
    items.forEach(function (i) {
      counts[i.product_id] = (counts[i.product_id] || 0) + i.quantity;
    });
    var ids = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; }).slice(0, params.limit || 10);
    var rows = [];
    async.eachSeries(ids, function (id, next) {
      getProduct(id, function (err2, p) {
        if (err2) return next(err2);
        rows.push({ name: p ? p.name : id, units: counts[id] });
        next();
      });
    }, function (err3) {
      callback(err3, { title: 'Top products (v1)', rows: rows });
    });
  });
}

function formatCurrencyLegacy(value) {
  var parts = (Math.round(value * 100) / 100).toString().split('.');
  var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  var cents = parts[1] ? (parts[1].length === 1 ? parts[1] + '0' : parts[1]) : '00';
  return whole + ',' + cents + ' \u20ac';
}

function exportExcel(type, params, callback) {
  generate(type, params, function (err, result) {
    if (err) return callback(err);
    var xml = '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" ' +
      'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="' + result.title + '"><Table>';
    xml += '<Row>' + result.columns.map(function (c) { return '<Cell><Data ss:Type="String">' + c.title + '</Data></Cell>'; }).join('') + '</Row>';
    result.rows.forEach(function (row) {
      xml += '<Row>' + result.columns.map(function (c) {
        var v = row[c.field];
        var t = typeof v === 'number' ? 'Number' : 'String';
        return '<Cell><Data ss:Type="' + t + '">' + (v === null || v === undefined ? '' : v) + '</Data></Cell>';
      }).join('') + '</Row>';
    });
    xml += '</Table></Worksheet></Workbook>';
    writeReportFile(type + '-' + Date.now() + '.xls', xml, callback);
  });
}

/* ------------------------------------------------------------------------------------------
 * command line
 * ---------------------------------------------------------------------------------------- */

function parseArgs(argv) {
  var params = {};
  var type = null;
  argv.forEach(function (arg) {
    if (arg.indexOf('=') > 0) {
      var idx = arg.indexOf('=');
      params[arg.slice(0, idx)] = arg.slice(idx + 1);
    } else if (!type) {
      type = arg;
    }
  });
  return { type: type, params: params };
}

function runFromCli(argv) {
  var parsed = parseArgs(argv);
  if (!parsed.type || parsed.type === 'help') {
    console.log('usage: npm run report -- <type> [key=value ...]');
    console.log('types: ' + Object.keys(REPORTS).join(', '));
    process.exit(0);
  }
  if (parsed.type === 'nightly') {
    return runNightly(function () { process.exit(0); });
  }
  generate(parsed.type, parsed.params, function (err, result) {
    if (err) {
      console.error(err.message);
      process.exit(1);
    }
    if (parsed.params.format === 'html') {
      console.log(result.html);
    } else {
      console.log(result.csv);
    }
    process.exit(0);
  });
}

module.exports = {
  generate: generate,
  generateMany: generateMany,
  status: status,
  clearCache: clearCache,
  scheduleNightly: scheduleNightly,
  runNightly: runNightly,
  runFromCli: runFromCli,
  exportExcel: exportExcel,
  // exposed for the old admin UI
  salesDailyV1: salesDailyV1,
  topProductsV1: topProductsV1,
  formatCurrencyLegacy: formatCurrencyLegacy,
  formatMoney: formatMoney,
  toCsv: toCsv,
};
