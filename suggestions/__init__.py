"""Sessions, suggestions and motions: submission, assignment, supervision, replies, feedback."""
