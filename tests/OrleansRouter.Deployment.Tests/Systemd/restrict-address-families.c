/*
 * restrict-address-families FAMILY[,FAMILY...] COMMAND [ARGS...]
 *
 * Runs COMMAND with socket(2) limited to the given address families (numbers, e.g. 1,2,10 for AF_UNIX, AF_INET,
 * AF_INET6): any other family fails with EAFNOSUPPORT, as under systemd's RestrictAddressFamilies=. A seccomp filter,
 * installed with no_new_privs (NoNewPrivileges=), and inherited by everything COMMAND starts. The systemd tests
 * compile it, since systemd itself is not PID 1 where they run.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_FAMILIES 32

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s FAMILY[,FAMILY...] COMMAND [ARGS...]\n", argv[0]);
    return 125;
  }

  unsigned int families[MAX_FAMILIES];
  int count = 0;
  for (char *item = strtok(argv[1], ","); item != NULL; item = strtok(NULL, ",")) {
    if (count == MAX_FAMILIES) {
      fprintf(stderr, "at most %d families\n", MAX_FAMILIES);
      return 125;
    }
    families[count++] = (unsigned int)strtoul(item, NULL, 10);
  }

  /* Load the syscall number; anything but socket() is allowed. For socket(), load the family and allow the listed. */
  struct sock_filter filter[4 + MAX_FAMILIES + 2];
  int n = 0;
  filter[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 1, 0);
  filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  filter[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
  for (int i = 0; i < count; i++) {
    /* A match jumps over the remaining checks and the refusal, to the final allow. */
    filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, families[i], (unsigned char)(count - i), 0);
  }
  filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAFNOSUPPORT);
  filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

  struct sock_fprog program = {.len = (unsigned short)n, .filter = filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
    perror("seccomp");
    return 125;
  }

  execvp(argv[2], argv + 2);
  perror(argv[2]);
  return 127;
}
