/**
 * PostEverywhere's six summary metrics and the metric names Pinion's connectors report that add up
 * to each (connectors name metrics as their platforms do). A name not listed still shows, unchanged,
 * under `pinion_metrics`.
 */
export const PE_METRICS = {
  views: ['views', 'video_views', 'plays'],
  likes: ['likes', 'reactions', 'favorites'],
  comments: ['comments', 'replies'],
  shares: ['shares', 'reposts', 'retweets', 'saves'],
  impressions: ['impressions'],
  clicks: ['clicks', 'pin_clicks', 'outbound_clicks', 'link_clicks'],
} as const;
