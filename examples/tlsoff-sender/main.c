/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The librte_tlsoff authors
 */

/* Placeholder until the sender lands; keeps the tree building. */
int main(void);

int
main(void)
{
	return 0;
}
