"""ECB reference-rate files, as the ECB publishes them."""

DAILY = "Date, USD, JPY, GBP, \n03 December 2026, 1.0531, 158.12, 0.83450, \n"
HISTORY = (
    "Date,USD,JPY,GBP,CYP,\n"
    "2026-12-03,1.0531,158.12,0.8345,N/A,\n"
    "2026-12-02,1.0500,157.90,0.8300,N/A,\n"
)
