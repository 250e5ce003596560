"""Downloads of figures and records as CSV and XLSX, with HXL hashtags, safe to
open in a spreadsheet."""
