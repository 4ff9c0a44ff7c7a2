from reading_list.cli import main

main()
