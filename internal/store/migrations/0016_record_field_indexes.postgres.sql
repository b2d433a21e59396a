-- Expression indexes on the record fields that searches, counts, COQL and duplicate checks look up
-- (store/index.go): for each, (org_id, module, the field's text comparison form, id) — the exact
-- expression store/criteria.go's criteriaOperand writes for a text condition on the field
-- (lower-cased; NULL unless the value is a JSON string), then id, so that the matches come out in
-- a listing's default order — over the records that hold a value there (partial: a comparison
-- with the expression implies it is not NULL).
-- PostgreSQL form; the SQLite form is 0016_record_field_indexes.sqlite.sql (same version).
CREATE INDEX records_account_name ON records (org_id, module, lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Account_Name')) = 'string' THEN (data::jsonb -> 'Account_Name') #>> '{}' END), id)
    WHERE lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Account_Name')) = 'string' THEN (data::jsonb -> 'Account_Name') #>> '{}' END) IS NOT NULL;
CREATE INDEX records_campaign_name ON records (org_id, module, lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Campaign_Name')) = 'string' THEN (data::jsonb -> 'Campaign_Name') #>> '{}' END), id)
    WHERE lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Campaign_Name')) = 'string' THEN (data::jsonb -> 'Campaign_Name') #>> '{}' END) IS NOT NULL;
CREATE INDEX records_email ON records (org_id, module, lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Email')) = 'string' THEN (data::jsonb -> 'Email') #>> '{}' END), id)
    WHERE lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Email')) = 'string' THEN (data::jsonb -> 'Email') #>> '{}' END) IS NOT NULL;
CREATE INDEX records_last_name ON records (org_id, module, lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Last_Name')) = 'string' THEN (data::jsonb -> 'Last_Name') #>> '{}' END), id)
    WHERE lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Last_Name')) = 'string' THEN (data::jsonb -> 'Last_Name') #>> '{}' END) IS NOT NULL;
CREATE INDEX records_mobile ON records (org_id, module, lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Mobile')) = 'string' THEN (data::jsonb -> 'Mobile') #>> '{}' END), id)
    WHERE lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Mobile')) = 'string' THEN (data::jsonb -> 'Mobile') #>> '{}' END) IS NOT NULL;
CREATE INDEX records_phone ON records (org_id, module, lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Phone')) = 'string' THEN (data::jsonb -> 'Phone') #>> '{}' END), id)
    WHERE lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Phone')) = 'string' THEN (data::jsonb -> 'Phone') #>> '{}' END) IS NOT NULL;
CREATE INDEX records_price_book_name ON records (org_id, module, lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Price_Book_Name')) = 'string' THEN (data::jsonb -> 'Price_Book_Name') #>> '{}' END), id)
    WHERE lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Price_Book_Name')) = 'string' THEN (data::jsonb -> 'Price_Book_Name') #>> '{}' END) IS NOT NULL;
CREATE INDEX records_product_name ON records (org_id, module, lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Product_Name')) = 'string' THEN (data::jsonb -> 'Product_Name') #>> '{}' END), id)
    WHERE lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Product_Name')) = 'string' THEN (data::jsonb -> 'Product_Name') #>> '{}' END) IS NOT NULL;
CREATE INDEX records_vendor_name ON records (org_id, module, lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Vendor_Name')) = 'string' THEN (data::jsonb -> 'Vendor_Name') #>> '{}' END), id)
    WHERE lower(CASE WHEN jsonb_typeof((data::jsonb -> 'Vendor_Name')) = 'string' THEN (data::jsonb -> 'Vendor_Name') #>> '{}' END) IS NOT NULL;
