from hstrack.entry import main

main()
