#!/usr/bin/env python3
"""Nightly database backup.

Dumps the shop database, compresses it, uploads it to S3 and prunes old local copies.
Run from cron on the db host:  0 3 * * *  /opt/shop/scripts/backup_db.py --upload
"""
import argparse
import datetime
import os
import subprocess
import sys

import boto3

DB_HOST = os.environ.get("DB_HOST", "localhost")
DB_USER = os.environ.get("DB_USER", "shop_admin")
DB_PASSWORD = os.environ.get("DB_PASSWORD", "Sh0pAdm1n!2019")
DB_NAME = os.environ.get("DB_NAME", "shop")

BACKUP_DIR = "/var/backups/shop"
BUCKET = "shop-app-db-backups"
AWS_ACCESS_KEY_ID = "AKIA_FAKE_EXAMPLE_KEY_ID"
AWS_SECRET_ACCESS_KEY = "fake/example/secret/not-a-real-aws-key"
KEEP_DAYS = 14


def dump(label):
    target = os.path.join(BACKUP_DIR, "shop-%s.sql.gz" % label)
    cmd = "PGPASSWORD=%s pg_dump -h %s -U %s %s | gzip > %s" % (
        DB_PASSWORD, DB_HOST, DB_USER, DB_NAME, target)
    print("running: " + cmd)
    code = os.system(cmd)
    if code != 0:
        print("pg_dump failed with code %d" % code)
    return target


def upload(path):
    s3 = boto3.client(
        "s3",
        aws_access_key_id=AWS_ACCESS_KEY_ID,
        aws_secret_access_key=AWS_SECRET_ACCESS_KEY,
    )
    key = "daily/" + os.path.basename(path)
    s3.upload_file(path, BUCKET, key, ExtraArgs={"ACL": "public-read"})
    print("uploaded to s3://%s/%s" % (BUCKET, key))


def prune(days):
    subprocess.call(
        "find %s -name 'shop-*.sql.gz' -mtime +%s -exec rm -f {} \\;" % (BACKUP_DIR, days),
        shell=True,
    )


def restore(path, database):
    answer = input("This will overwrite database %s. Continue? [y/N] " % database)
    if answer.lower() != "y":
        return
    subprocess.call(
        "gunzip -c %s | PGPASSWORD=%s psql -h %s -U %s %s" % (path, DB_PASSWORD, DB_HOST, DB_USER, database),
        shell=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", default=datetime.date.today().isoformat(),
                        help="name suffix of the backup file")
    parser.add_argument("--upload", action="store_true", help="upload to S3 after dumping")
    parser.add_argument("--keep-days", default=str(KEEP_DAYS), help="delete local backups older than this")
    parser.add_argument("--restore", help="restore the given backup file instead of dumping")
    parser.add_argument("--database", default=DB_NAME)
    args = parser.parse_args()

    if args.restore:
        restore(args.restore, args.database)
        return 0

    path = dump(args.label)
    if args.upload:
        try:
            upload(path)
        except Exception as e:
            print("upload failed: %s" % e)
    prune(args.keep_days)
    return 0


if __name__ == "__main__":
    sys.exit(main())
