-- The request journal numbers its entries from a sequence of its own. It took them from the
-- records' id sequence (zcrm_ids) before, so every journal write moved the next id a snapshot
-- records: a snapshot restored and taken again differed though no record had changed. New entries
-- continue after the newest one kept.
CREATE SEQUENCE request_journal_ids;
SELECT setval('request_journal_ids', (SELECT COALESCE(MAX(id), 0) + 1 FROM request_journal), false);
