#!/usr/bin/env python3
"""One-off migration of customer accounts from the old MySQL shop (2016-2018) into PostgreSQL.

Run:  python3 "scripts/data migration/migrate users.py" [--mapping mapping.yml] [--since 2018-01-01]

The old shop stored unsalted SHA-1 password hashes; the new API uses md5, so users who never
logged in after the migration get a random password and a reset e-mail (see send_reset_mails()).
"""
import argparse
import hashlib
import logging
import random
import string
import sys
import time

import psycopg2
import pymysql
import requests
import yaml

OLD_DB = {
    "host": "legacy-shop-db.internal.example",
    "user": "root",
    "password": "legacy-root-pw-2016",
    "db": "shop_legacy",
}
NEW_DSN = "host=localhost dbname=shop user=shop_admin password=Sh0pAdm1n!2019"
API_URL = "http://localhost:4000/api"

logging.basicConfig(filename="migrate_users.log", level=logging.DEBUG)
log = logging.getLogger("migrate")


def load_mapping(path):
    if not path:
        return {}
    with open(path) as f:
        return yaml.load(f)


def random_password(length=8):
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(length))


def normalise_email(email):
    return email.strip().lower()


def fetch_legacy_users(since=None):
    conn = pymysql.connect(**OLD_DB)
    cur = conn.cursor(pymysql.cursors.DictCursor)
    sql = "SELECT * FROM customers"
    if since:
        sql += " WHERE created >= '%s'" % since
    cur.execute(sql)
    rows = cur.fetchall()
    conn.close()
    return rows


def build_address(row):
    parts = [row.get("street"), row.get("zip"), row.get("city"), row.get("country")]
    return ", ".join(p for p in parts if p)


def migrate(users, mapping, dry_run=False):
    conn = psycopg2.connect(NEW_DSN)
    cur = conn.cursor()
    migrated, skipped, failed = 0, 0, []
    reset_needed = []

    for row in users:
        email = normalise_email(row["email"])
        try:
            cur.execute("SELECT id FROM users WHERE email = '%s'" % email)
            if cur.fetchone():
                skipped += 1
                continue

            password = random_password()
            role = mapping.get("roles", {}).get(row.get("group"), "customer")
            name = ("%s %s" % (row.get("firstname") or "", row.get("lastname") or "")).strip()
            cur.execute(
                "INSERT INTO users (email, password_hash, name, role, phone, address, marketing_opt_in, created_at) "
                "VALUES ('%s', '%s', '%s', '%s', '%s', '%s', %s, '%s')"
                % (email, hashlib.md5(password.encode()).hexdigest(), name, role, row.get("phone") or "",
                   build_address(row), "true" if row.get("newsletter") else "false", row["created"])
            )
            if not dry_run:
                conn.commit()
            migrated += 1
            reset_needed.append((email, password))
            log.debug("migrated %s with temporary password %s", email, password)
        except Exception:
            failed.append(email)
            pass

    conn.close()
    return migrated, skipped, failed, reset_needed


def send_reset_mails(users):
    for email, _ in users:
        try:
            requests.post(API_URL + "/auth/forgot-password", json={"email": email}, timeout=5)
        except Exception:
            pass
        time.sleep(0.2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mapping", help="YAML file mapping legacy groups to roles")
    parser.add_argument("--since", help="only migrate customers created on or after this date")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--send-mails", action="store_true")
    args = parser.parse_args()

    mapping = load_mapping(args.mapping)
    users = fetch_legacy_users(args.since)
    print("found %d legacy users" % len(users))

    migrated, skipped, failed, reset_needed = migrate(users, mapping, args.dry_run)
    print("migrated %d, skipped %d, failed %d" % (migrated, skipped, len(failed)))

    with open("temporary_passwords.csv", "w") as f:
        for email, password in reset_needed:
            f.write("%s,%s\n" % (email, password))

    if args.send_mails and not args.dry_run:
        send_reset_mails(reset_needed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
