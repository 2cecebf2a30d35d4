#compdef hstrack
# hstrack Tab completion for zsh: eval "$(hstrack completion zsh)" in ~/.zshrc, after
# compinit; or save it as _hstrack in a folder on $fpath.
#
# Each Tab press runs `hstrack __complete`, which answers from a table of commands and
# options and a small cache of title ids beside the store: no Typer, no store parsing.
# It is handed the words before the cursor (unquoted) and the word at it, and prints a
# mode (`words`, or `files` for a path) and then `value<TAB>description` lines; zsh does
# the matching, so matcher-list styles (case-insensitive, partial words) apply.

typeset -g __hstrack_complete_bin=@BIN@

_hstrack() {
    local -a out candidates
    local line value
    out=("${(@f)$("$__hstrack_complete_bin" __complete zsh -- "${(@Q)words[2,CURRENT-1]}" "${(Q)PREFIX}" 2>/dev/null </dev/null)}")
    case ${out[1]-} in
        words)
            for line in "${(@)out[2,-1]}"; do
                [[ -n $line ]] || continue
                value=${line%%$'\t'*}
                # _describe splits value from description at the first unescaped colon and
                # takes a backslash as an escape: both are escaped, the backslash first.
                value=${value//\\/\\\\}
                if [[ $line == *$'\t'* ]]; then
                    candidates+=("${value//:/\\:}:${line#*$'\t'}")
                else
                    candidates+=("${value//:/\\:}")
                fi
            done
            (( ${#candidates} )) && _describe -t hstrack hstrack candidates
            ;;
        files) _files ;;
    esac
}

if [[ ${zsh_eval_context[-1]-} == loadautofunc ]]; then
    _hstrack "$@"  # autoloaded from $fpath as _hstrack
else
    (( ${+functions[compdef]} )) || { autoload -Uz compinit && compinit -i }
    compdef _hstrack hstrack
fi
