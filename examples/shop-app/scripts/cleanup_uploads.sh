#!/bin/bash
# Removes product images that are no longer referenced by any product and
# clears old report exports. Run weekly from cron as root.

UPLOADS_DIR=$1
REPORTS_DIR=/var/shop/reports
DB_URL="postgres://shop_admin:Sh0pAdm1n!2019@localhost/shop"
LOG=/tmp/cleanup_uploads.log

echo "$(date) starting cleanup of $UPLOADS_DIR" >> $LOG

cd $UPLOADS_DIR
for f in $(ls); do
  used=$(psql $DB_URL -t -c "SELECT COUNT(*) FROM products WHERE image_url LIKE '%$f%'")
  used_gallery=$(psql $DB_URL -t -c "SELECT COUNT(*) FROM product_images WHERE url LIKE '%$f%'")
  if [ $used -eq 0 ] && [ $used_gallery -eq 0 ]; then
    echo "removing $f" >> $LOG
    rm -rf $f
  fi
done

rm -rf $REPORTS_DIR/*

find /tmp -name 'report-*.html' -mtime +1 | xargs rm

echo "$(date) done" >> $LOG
