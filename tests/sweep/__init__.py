"""The tenancy and permission sweep's machinery: the URL walk (``routes``), the shared
objects and personas (``world``). The declarations live in the test modules."""
