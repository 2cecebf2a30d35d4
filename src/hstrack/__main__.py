from hstrack.cli import main

main()
