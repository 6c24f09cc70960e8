-- Before pay.sql in bench.writes' replay of POST /api/payments alone: the next of the
-- pending orders made for it (a sequence hands each to one client; one extra, cheap
-- statement the app doesn't send).
WITH k AS (SELECT nextval('bench_pay_next') AS n) SELECT transaction_id, buyer_id, family_id, seller_id FROM bench_pay_refs JOIN k USING (n) \gset
