# Bash completion for en18031. Installed as share/bash-completion/completions/en18031.
#
# Subcommands, options and option values (such as --format's) are read from the program's own --help, so
# they cannot drift from the command line; requirement ids for `catalogue show|tree` come from
# `catalogue list`. Everything else completes as file names. Needs bash only (not the bash-completion
# package's helpers). Tested by tests/e2e/bash_completion_test.sh.

# Prints one line per entry of a section of `PROGRAM PATH... --help`:
#   Subcommands: the name;  Options: each name of the option, a tab, and its value type ("" for a flag).
_en18031_help() {
  local section=$1 program=$2
  shift 2
  "$program" "$@" --help 2>/dev/null | awk -v section="$section:" '
    /^[A-Z][A-Za-z]*:$/ { in_section = ($0 == section); next }
    !in_section || !/^  [^ ]/ { next }
    {
      entry = substr($0, 3)
      sub(/  .*/, "", entry)                     # the description starts after two or more spaces
      count = split(entry, token, " ")
      if (section == "Subcommands:") { print token[1]; next }
      type = (count > 1) ? token[2] : ""
      n = split(token[1], name, ",")
      for (i = 1; i <= n; i++) print name[i] "\t" type
    }'
}

_en18031() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=""
  local program=${COMP_WORDS[0]/#\~/$HOME}
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()

  # The subcommand path so far (`catalogue tree`), skipping options and the values they take.
  local -a path=()
  local subcommands options word i takes_value=0
  subcommands=$(_en18031_help Subcommands "$program")
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if ((takes_value)); then
      takes_value=0
      continue
    fi
    if [[ $word == -* ]]; then
      [[ $word != *=* ]] && grep -q "^${word}	[^	]" <<<"$(_en18031_help Options "$program" "${path[@]}")" &&
        takes_value=1
      continue
    fi
    if grep -qx -- "$word" <<<"$subcommands"; then
      path+=("$word")
      subcommands=$(_en18031_help Subcommands "$program" "${path[@]}")
    fi
  done
  options=$(_en18031_help Options "$program" "${path[@]}")

  # The value of an option: its choices when the help lists them (TEXT:{text,dot,mermaid}), else files.
  if [[ $prev == -* ]]; then
    local type
    type=$(awk -F '\t' -v name="$prev" '$1 == name { print $2; exit }' <<<"$options")
    if [[ $type == *:\{*\}* ]]; then
      local choices=${type#*:\{}
      choices=${choices%%\}*}
      mapfile -t COMPREPLY < <(compgen -W "${choices//,/ }" -- "$cur")
      return 0
    fi
    [[ -n $type ]] && return 0
  fi

  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(cut -f1 <<<"$options")" -- "$cur")
  elif [[ -n $subcommands ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$subcommands" -- "$cur")
  elif [[ ${path[*]} == "catalogue show" || ${path[*]} == "catalogue tree" ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$("$program" catalogue list 2>/dev/null | awk 'NR > 1 && /^[A-Z]/ { print $1 }')" -- "$cur")
  fi
  return 0
}

complete -o bashdefault -o default -F _en18031 en18031
