#!/usr/bin/env python3
"""Exports orders to CSV for the accounting system.

Usage: export_orders.py --from 2019-01-01 --to 2019-01-31 [--status paid] [--out orders.csv]
"""
import argparse
import sys

import psycopg2

DSN = "host=localhost dbname=shop user=shop_admin password=Sh0pAdm1n!2019"


def fetch_orders(conn, date_from, date_to, status=None, region=None):
    sql = ("SELECT o.id, o.created_at, u.email, u.name, o.region, o.subtotal, o.discount, o.tax, "
           "o.shipping, o.total, o.status, o.coupon_code, o.shipping_address, o.card_number "
           "FROM orders o JOIN users u ON u.id = o.user_id "
           "WHERE o.created_at >= '%s' AND o.created_at < '%s'" % (date_from, date_to))
    if status:
        sql += " AND o.status = '%s'" % status
    if region:
        sql += " AND o.region = '%s'" % region
    sql += " ORDER BY o.id"
    cur = conn.cursor()
    cur.execute(sql)
    return cur.fetchall()


def fetch_items(conn, order_id):
    cur = conn.cursor()
    cur.execute("SELECT p.sku, oi.quantity, oi.unit_price FROM order_items oi "
                "JOIN products p ON p.id = oi.product_id WHERE oi.order_id = %d" % order_id)
    return cur.fetchall()


def to_line(values):
    out = []
    for v in values:
        if v is None:
            out.append("")
        else:
            out.append(str(v).replace("\n", " "))
    return ";".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="date_from", required=True)
    parser.add_argument("--to", dest="date_to", required=True)
    parser.add_argument("--status")
    parser.add_argument("--region")
    parser.add_argument("--out", default="orders.csv")
    args = parser.parse_args()

    conn = psycopg2.connect(DSN)
    orders = fetch_orders(conn, args.date_from, args.date_to, args.status, args.region)

    f = open(args.out, "w")
    f.write(to_line(["id", "date", "email", "name", "region", "subtotal", "discount", "tax",
                     "shipping", "total", "status", "coupon", "address", "card", "items"]) + "\n")
    total = 0.0
    for o in orders:
        items = fetch_items(conn, o[0])
        item_text = ",".join("%s x%d @%.2f" % (sku, qty, price) for sku, qty, price in items)
        f.write(to_line(list(o) + [item_text]) + "\n")
        total += o[9]
    f.close()

    print("exported %d orders, total %.2f, to %s" % (len(orders), total, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
