package client

import (
	"context"
	"fmt"
	"net/http"
)

// COQLInfo is the info of a COQL answer: how many rows it holds and whether more match (page on
// with LIMIT offset, count).
type COQLInfo struct {
	Count       int  `json:"count"`
	MoreRecords bool `json:"more_records"`
}

// COQLResult is a COQL answer: one Record per row, keyed by each select column's name or alias
// (lookups and users as {"id"}; a grouped query's rows have no id).
type COQLResult struct {
	Data []Record `json:"data"`
	Info COQLInfo `json:"info"`
}

// COQL runs a COQL select query: POST /coql {"select_query": query}. It needs the
// ZohoCRM.coql.READ scope beside the module's read scope. No match is an empty result (Zoho's
// 204); a query Zoho refuses is an *APIError such as SYNTAX_ERROR or INVALID_QUERY.
func (c *Client) COQL(ctx context.Context, query string) (*COQLResult, error) {
	res, err := c.call(ctx, http.MethodPost, "coql", nil, map[string]any{"select_query": query}, nil)
	if err != nil {
		return nil, err
	}
	out := &COQLResult{}
	switch res.StatusCode {
	case http.StatusOK:
		if err := res.JSON(out); err != nil {
			return nil, fmt.Errorf("zcrm client: decode coql answer: %w", err)
		}
		return out, nil
	case http.StatusNoContent:
		return out, nil
	}
	return nil, res.errorOf()
}
