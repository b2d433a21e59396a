-- Statistics on the expressions the field indexes of 0016 are built on. PostgreSQL keeps none for
-- the expressions of partial indexes, so it guessed that a search by email matched 0.5 % of the
-- records, and a prepared search then kept being planned afresh for each call (its one generic plan
-- looked dearer than a plan made for the values): at 1M contacts a third of the throughput
-- (BENCHMARKS.md, round 10). With these, ANALYZE (or autovacuum) learns that an email matches one
-- record. Expression statistics need PostgreSQL 14; an older server goes without them.
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 140000 THEN
        EXECUTE $q$CREATE STATISTICS records_account_name_stats ON (lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Account_Name')) = 'string' THEN (data::jsonb -> 'Account_Name') #>> '{}' END)) FROM records$q$;
        EXECUTE $q$CREATE STATISTICS records_campaign_name_stats ON (lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Campaign_Name')) = 'string' THEN (data::jsonb -> 'Campaign_Name') #>> '{}' END)) FROM records$q$;
        EXECUTE $q$CREATE STATISTICS records_email_stats ON (lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Email')) = 'string' THEN (data::jsonb -> 'Email') #>> '{}' END)) FROM records$q$;
        EXECUTE $q$CREATE STATISTICS records_last_name_stats ON (lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Last_Name')) = 'string' THEN (data::jsonb -> 'Last_Name') #>> '{}' END)) FROM records$q$;
        EXECUTE $q$CREATE STATISTICS records_mobile_stats ON (lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Mobile')) = 'string' THEN (data::jsonb -> 'Mobile') #>> '{}' END)) FROM records$q$;
        EXECUTE $q$CREATE STATISTICS records_phone_stats ON (lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Phone')) = 'string' THEN (data::jsonb -> 'Phone') #>> '{}' END)) FROM records$q$;
        EXECUTE $q$CREATE STATISTICS records_price_book_name_stats ON (lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Price_Book_Name')) = 'string' THEN (data::jsonb -> 'Price_Book_Name') #>> '{}' END)) FROM records$q$;
        EXECUTE $q$CREATE STATISTICS records_product_name_stats ON (lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Product_Name')) = 'string' THEN (data::jsonb -> 'Product_Name') #>> '{}' END)) FROM records$q$;
        EXECUTE $q$CREATE STATISTICS records_vendor_name_stats ON (lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Vendor_Name')) = 'string' THEN (data::jsonb -> 'Vendor_Name') #>> '{}' END)) FROM records$q$;
    END IF;
END
$$;
