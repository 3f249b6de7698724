#!/usr/bin/env python3
"""Recomputes orders.subtotal/tax/total from order_items after the March 2019 coupon bug.

Run:  python3 "scripts/data migration/backfill order totals.py" [--from-id N]
"""
import argparse
import sys

import psycopg2

DSN = "host=localhost dbname=shop user=shop_admin password=Sh0pAdm1n!2019"
TAX_RATES = {"DE": 0.19, "FR": 0.2, "GB": 0.2, "NL": 0.21, "US": 0.0}
FREE_SHIPPING = 50
FLAT_SHIPPING = 4.95


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--from-id", type=int, default=0)
    args = parser.parse_args()

    conn = psycopg2.connect(DSN)
    cur = conn.cursor()
    cur.execute("SELECT id, region, discount, total FROM orders WHERE id >= %s ORDER BY id", (args.from_id,))
    orders = cur.fetchall()

    changed = 0
    for order_id, region, discount, old_total in orders:
        cur.execute("SELECT quantity, unit_price FROM order_items WHERE order_id = %s", (order_id,))
        items = cur.fetchall()
        subtotal = 0.0
        for quantity, unit_price in items:
            subtotal += quantity * unit_price
        tax = (subtotal - discount) * TAX_RATES.get(region, 0)
        shipping = 0 if subtotal >= FREE_SHIPPING else FLAT_SHIPPING
        total = subtotal - discount + tax + shipping
        if total != old_total:
            cur.execute(
                "UPDATE orders SET subtotal = %s, tax = %s, shipping = %s, total = %s WHERE id = %s",
                (subtotal, tax, shipping, total, order_id),
            )
            conn.commit()
            changed += 1
            print("order %d: %.2f -> %.2f" % (order_id, old_total, total))

    print("updated %d of %d orders" % (changed, len(orders)))
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
