-- What a person gives on a data-subject or consumer request form is sealed at rest like the rest
-- of the personal data (Ley 25.326): privacy_requests.contact_email holds `v2.<keyId>.…` from now
-- on, and the name and free text they wrote move out of `details` (which keeps field names,
-- reasons and flags only) into personal_details, a jsonb holding {"sealed": "v2.…"}.
-- Runs unchanged on PostgreSQL 15 and on PGlite.
--
-- SQL cannot seal values (the keys are the application's): the rows moved here stay plaintext
-- until the step `npx barberpro migrate` (and `serve`) runs right after the migrations seals them
-- (src/platform/crypto/rotation.ts). The application reads plaintext and sealed values alike, so
-- nothing breaks in between.

alter table privacy_requests add column personal_details jsonb;

update privacy_requests
   set personal_details = jsonb_strip_nulls(jsonb_build_object('fullName', details -> 'fullName', 'description', details -> 'description')),
       details = details - 'fullName' - 'description'
 where details ?| array['fullName', 'description'];
