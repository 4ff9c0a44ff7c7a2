from reading_list.entry import main

main()
