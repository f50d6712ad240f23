-- Attachments may be documents (PDF) as well as images and videos: a unit's rectification report is
-- often a signed PDF. Which kinds a record takes is the owning module's choice (MediaService.attach).
ALTER TABLE media DROP CONSTRAINT media_kind_check;
ALTER TABLE media ADD CONSTRAINT media_kind_check CHECK (kind IN ('image', 'video', 'document'));
