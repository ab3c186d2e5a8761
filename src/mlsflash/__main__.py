from mlsflash.cli import main

main()
