"""The clinic: the record, progress, reports, home exercises, check-in, sign-in and the audit trail."""
