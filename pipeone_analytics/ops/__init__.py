"""Writes: acting user and roles, inbox actions, contacts, admin settings, templates, compose, outbox.

Every write goes through `audit.audited`: check the role against the current state, read the
before, write, and record one `audit_log` row, all in one store transaction.
"""
