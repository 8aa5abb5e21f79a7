from filings.cli import main

main()
