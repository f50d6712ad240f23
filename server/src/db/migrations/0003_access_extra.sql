-- access, second part.
-- Scope paths are copied onto accounts, API keys and audit entries when they are written, so that the
-- lists an admin sees can be limited to the admin's unit subtree (`scope_path LIKE '<admin path>%'`)
-- without the access module reading the units module's tables at query time. Unit paths are built
-- from codes and never change once a unit exists, so the copies stay true.

-- The account's anchor: its scope unit's path, or for department staff the path of the territory the
-- department serves; NULL for residents.
ALTER TABLE account ADD COLUMN scope_path text;
UPDATE account a SET scope_path = u.path FROM unit u WHERE u.id = a.scope_unit_id;
UPDATE account a SET scope_path = u.path
  FROM department d JOIN unit u ON u.id = d.unit_id
  WHERE d.id = a.scope_department_id AND a.scope_unit_id IS NULL;
CREATE INDEX account_scope_path ON account (scope_path text_pattern_ops);

ALTER TABLE api_key ADD COLUMN scope_path text;
UPDATE api_key k SET scope_path = u.path FROM unit u WHERE u.id = k.scope_unit_id;
-- keys made by the command line (the SYSTEM actor) have no creating account
ALTER TABLE api_key ALTER COLUMN created_by DROP NOT NULL;
CREATE INDEX api_key_scope_path ON api_key (scope_path text_pattern_ops);

-- The path of the entry's unit at the time of the entry. (Existing entries cannot be back-filled: the
-- log refuses UPDATE.)
ALTER TABLE audit_log ADD COLUMN unit_path text;
CREATE INDEX audit_log_unit_path ON audit_log (unit_path text_pattern_ops, id);

-- expired rate-limit windows are deleted by age
CREATE INDEX login_failure_window ON login_failure (window_start);
