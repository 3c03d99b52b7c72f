"""The layout generator: corpus documents typeset again in other layouts (reportlab and LibreOffice PDFs,
python-docx Word files) with the truth their parse must give back. See variants.py for the layouts and
test_layouts.py for the tests; README.md, "Reading PDFs and Word files", for how to run it."""
