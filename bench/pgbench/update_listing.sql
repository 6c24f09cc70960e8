-- The SQL of PUT /api/materials/{id} with a new price and quantity, statement for statement
-- as the app sends it (python -m bench.pgbench.capture), replayed by bench.writes with
-- pgbench -M prepared; :k picks one of the client's own seller's listings.
\set k 1 + :client_id * :per_client + random(0, :per_client - 1)
\set cents random(100, 900)
\set stock random(50, 500)
SELECT seller_id, seller_family, listing_id FROM bench_write_refs WHERE n = :k \gset
BEGIN;
SELECT users.email, users.password_hash, users.company_name, users.role, users.phone, users.is_active, users.deleted_at, users.delete_after, users.anonymised_at, users.verified_at, users.suspended_at, users.suspension_reason, users.id, users.updated_at, users.created_at FROM users WHERE users.id = :seller_id AND (EXISTS (SELECT refresh_tokens.jti FROM refresh_tokens WHERE refresh_tokens.user_id = :seller_id AND refresh_tokens.family_id = :seller_family AND refresh_tokens.revoked_at IS NULL AND refresh_tokens.expires_at > now()));
SELECT materials.seller_id, materials.title, materials.description, materials.material_type, materials.source_type, materials.quantity, materials.unit, materials.kg_per_unit, materials.price, materials.currency, materials.min_order_quantity, materials.order_increment, materials.price_tiers, materials.sample_available, materials.sample_price, materials.sample_description, materials.composition, materials.color, materials.origin_country, materials.gtin, materials.manufacture_date, materials.certifications, materials.supply_chain, materials.status, materials.deleted_at, materials.hidden_at, materials.hidden_reason, materials.held_status, materials.id, materials.updated_at, materials.created_at FROM materials WHERE materials.id = :listing_id FOR UPDATE;
SELECT material_lots.material_id, material_lots.lot_code, material_lots.quantity, material_lots.color, material_lots.grade, material_lots.width_cm, material_lots.weight_gsm, material_lots.position, material_lots.id FROM material_lots WHERE material_lots.material_id = :listing_id ORDER BY material_lots.position, material_lots.lot_code;
UPDATE materials SET quantity = :stock, price = :cents / 100.0, updated_at = now() WHERE materials.id = :listing_id;
COMMIT;
SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint;
