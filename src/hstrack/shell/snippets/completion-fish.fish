# hstrack Tab completion for fish 3.5+:
#   hstrack completion fish > ~/.config/fish/completions/hstrack.fish
# (or `hstrack completion fish | source` in config.fish).
#
# Each Tab press runs `hstrack __complete`, which answers from a table of commands and
# options and a small cache of title ids beside the store: no Typer, no store parsing.
# It is handed the words before the cursor (unquoted) and the word at it, and prints a
# mode (`words`, or `files` for a path) and then `value<TAB>description` lines; fish does
# the matching.

set -g __hstrack_complete_bin @BIN@

function __hstrack_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l current (commandline -ct)
    set -l out ($__hstrack_complete_bin __complete fish -- $words "$current" 2>/dev/null </dev/null)
    switch "$out[1]"
        case words
            set -e out[1]
            printf '%s\n' $out
        case files
            __fish_complete_path "$current"
    end
end

complete -c hstrack -e
complete -c hstrack -f -a '(__hstrack_complete)'
