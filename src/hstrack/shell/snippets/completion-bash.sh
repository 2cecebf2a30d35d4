# hstrack Tab completion for bash 4.2+: eval "$(hstrack completion bash)" in ~/.bashrc
#
# Each Tab press runs `hstrack __complete`, which answers from a table of commands and
# options and a small cache of title ids beside the store: no Typer, no store parsing.
# It is handed the line up to the cursor and readline's own word, and prints a mode
# (`words`, or `files` for a path) and then candidates ready to insert, escaped for bash
# and cut to the part of the word readline replaces (it stops at `=` and `:`).

__hstrack_complete_bin=@BIN@

__hstrack_complete() {
    local -a out
    mapfile -t out < <("$__hstrack_complete_bin" __complete bash "$2" "${COMP_LINE:0:COMP_POINT}" 2>/dev/null </dev/null)
    COMPREPLY=()
    case ${out[0]-} in
        words) COMPREPLY=("${out[@]:1}") ;;
        files)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$2")
            ;;
    esac
    return 0
}

complete -F __hstrack_complete hstrack
