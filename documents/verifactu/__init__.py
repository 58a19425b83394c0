"""VeriFactu (Spain, RD 1007/2023 and Orden HAC/1177/2024): records, hash chain, XML, QR."""
