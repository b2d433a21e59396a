-- Expression indexes on the record fields that searches, counts, COQL and duplicate checks look up
-- (store/index.go): for each, (org_id, module, the field's text comparison form, id) — the exact
-- expression store/criteria.go's criteriaOperand writes for a text condition on the field
-- (lower-cased; NULL unless the value is a JSON string), then id, so that the matches come out in
-- a listing's default order — over the records that hold a value there (partial: a comparison
-- with the expression implies it is not NULL).
-- SQLite form; the PostgreSQL form is 0016_record_field_indexes.postgres.sql (same version).
CREATE INDEX records_account_name ON records (org_id, module, lower(CASE WHEN json_type(data, '$."Account_Name"') = 'text' THEN json_extract(data, '$."Account_Name"') END), id)
    WHERE lower(CASE WHEN json_type(data, '$."Account_Name"') = 'text' THEN json_extract(data, '$."Account_Name"') END) IS NOT NULL;
CREATE INDEX records_campaign_name ON records (org_id, module, lower(CASE WHEN json_type(data, '$."Campaign_Name"') = 'text' THEN json_extract(data, '$."Campaign_Name"') END), id)
    WHERE lower(CASE WHEN json_type(data, '$."Campaign_Name"') = 'text' THEN json_extract(data, '$."Campaign_Name"') END) IS NOT NULL;
CREATE INDEX records_email ON records (org_id, module, lower(CASE WHEN json_type(data, '$."Email"') = 'text' THEN json_extract(data, '$."Email"') END), id)
    WHERE lower(CASE WHEN json_type(data, '$."Email"') = 'text' THEN json_extract(data, '$."Email"') END) IS NOT NULL;
CREATE INDEX records_last_name ON records (org_id, module, lower(CASE WHEN json_type(data, '$."Last_Name"') = 'text' THEN json_extract(data, '$."Last_Name"') END), id)
    WHERE lower(CASE WHEN json_type(data, '$."Last_Name"') = 'text' THEN json_extract(data, '$."Last_Name"') END) IS NOT NULL;
CREATE INDEX records_mobile ON records (org_id, module, lower(CASE WHEN json_type(data, '$."Mobile"') = 'text' THEN json_extract(data, '$."Mobile"') END), id)
    WHERE lower(CASE WHEN json_type(data, '$."Mobile"') = 'text' THEN json_extract(data, '$."Mobile"') END) IS NOT NULL;
CREATE INDEX records_phone ON records (org_id, module, lower(CASE WHEN json_type(data, '$."Phone"') = 'text' THEN json_extract(data, '$."Phone"') END), id)
    WHERE lower(CASE WHEN json_type(data, '$."Phone"') = 'text' THEN json_extract(data, '$."Phone"') END) IS NOT NULL;
CREATE INDEX records_price_book_name ON records (org_id, module, lower(CASE WHEN json_type(data, '$."Price_Book_Name"') = 'text' THEN json_extract(data, '$."Price_Book_Name"') END), id)
    WHERE lower(CASE WHEN json_type(data, '$."Price_Book_Name"') = 'text' THEN json_extract(data, '$."Price_Book_Name"') END) IS NOT NULL;
CREATE INDEX records_product_name ON records (org_id, module, lower(CASE WHEN json_type(data, '$."Product_Name"') = 'text' THEN json_extract(data, '$."Product_Name"') END), id)
    WHERE lower(CASE WHEN json_type(data, '$."Product_Name"') = 'text' THEN json_extract(data, '$."Product_Name"') END) IS NOT NULL;
CREATE INDEX records_vendor_name ON records (org_id, module, lower(CASE WHEN json_type(data, '$."Vendor_Name"') = 'text' THEN json_extract(data, '$."Vendor_Name"') END), id)
    WHERE lower(CASE WHEN json_type(data, '$."Vendor_Name"') = 'text' THEN json_extract(data, '$."Vendor_Name"') END) IS NOT NULL;

-- SQLite plans without statistics unless ANALYZE has run, and zcrm never runs it: its planner then
-- reads a listing's ORDER BY id from records_org_module_id (org_id, module, id) and filters every
-- record of the module rather than look the value up. These figures say what is true of every org
-- (a value matches a few records of a module; an org's module holds many), so a lookup, an IN list
-- or an OR of indexed fields goes through the fields' indexes. A real ANALYZE replaces them.
-- ("ANALYZE sqlite_schema" creates sqlite_stat1 and reads nothing else; run again after the
-- figures are written, it makes this connection load them too.)
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1 WHERE tbl = 'records' AND idx IN ('records_org_module_id', 'records_account_name', 'records_campaign_name', 'records_email', 'records_last_name', 'records_mobile', 'records_phone', 'records_price_book_name', 'records_product_name', 'records_vendor_name');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('records', 'records_org_module_id', '1000000 100000 10000 1'),
    ('records', 'records_account_name', '100000 10000 1000 2 1'),
    ('records', 'records_campaign_name', '100000 10000 1000 2 1'),
    ('records', 'records_email', '100000 10000 1000 2 1'),
    ('records', 'records_last_name', '100000 10000 1000 2 1'),
    ('records', 'records_mobile', '100000 10000 1000 2 1'),
    ('records', 'records_phone', '100000 10000 1000 2 1'),
    ('records', 'records_price_book_name', '100000 10000 1000 2 1'),
    ('records', 'records_product_name', '100000 10000 1000 2 1'),
    ('records', 'records_vendor_name', '100000 10000 1000 2 1');
ANALYZE sqlite_schema;
