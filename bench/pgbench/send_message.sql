-- The SQL of POST /api/messages (a buyer writes to a seller about a listing), statement for
-- statement as the app sends it (python -m bench.pgbench.capture), replayed by bench.writes
-- with pgbench -M prepared. :k picks the client's own row of bench_write_refs (one extra,
-- cheap lookup the app doesn't make: the ceiling is slightly conservative).
\set k 1 + :client_id * :per_client + random(0, :per_client - 1)
SELECT seller_id, listing_id, buyer_id, buyer_family FROM bench_write_refs WHERE n = :k \gset
BEGIN;
SELECT users.email, users.password_hash, users.company_name, users.role, users.phone, users.is_active, users.deleted_at, users.delete_after, users.anonymised_at, users.verified_at, users.suspended_at, users.suspension_reason, users.id, users.updated_at, users.created_at FROM users WHERE users.id = :buyer_id AND (EXISTS (SELECT refresh_tokens.jti FROM refresh_tokens WHERE refresh_tokens.user_id = :buyer_id AND refresh_tokens.family_id = :buyer_family AND refresh_tokens.revoked_at IS NULL AND refresh_tokens.expires_at > now()));
SELECT users.id FROM users WHERE users.id = :seller_id AND users.is_active IS true;
SELECT materials.id FROM materials WHERE materials.id = :listing_id AND materials.deleted_at IS NULL AND (materials.status != 'draft' OR materials.seller_id = :buyer_id);
INSERT INTO messages (sender_id, recipient_id, material_id, content, created_at) VALUES (:buyer_id, :seller_id, :listing_id, 'is the jersey still available could you send a swatch we need 300 kg by march', clock_timestamp()) RETURNING messages.id, messages.created_at;
WITH notification AS (INSERT INTO notifications (user_id, kind, title, body, link) VALUES (:seller_id, 'message_received', 'New message from Bench brand 1', 'is the jersey still available could you send a swatch we need 300 kg by march', '/messages/' || :buyer_id) RETURNING id, created_at), address AS (SELECT users.email FROM users WHERE users.id = :seller_id AND users.is_active AND users.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM notification_settings AS chosen WHERE chosen.user_id = :seller_id AND chosen.kind = 'message_received' AND chosen.email IS false)), outbox AS (INSERT INTO email_outbox (notification_id, to_address) SELECT notification.id, address.email FROM notification, address ON CONFLICT (notification_id) DO NOTHING) SELECT notification.id, notification.created_at, (SELECT address.email FROM address) AS email, (SELECT count(*) FROM notifications WHERE notifications.user_id = :seller_id AND notifications.read_at IS NULL) + 1 AS unread_count FROM notification;
COMMIT;
